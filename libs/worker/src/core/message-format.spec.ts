import { formatLogMessage, MAX_LOG_LINE_CHARS } from './message-format';

describe('formatLogMessage', () => {
  it('fills {} placeholders in order, as Chaconne users write them', () => {
    const jobKey = { clusterName: 'c', groupName: 'g', jobName: 'etlJob', jobClassName: 'com.acme.EtlJob' };
    expect(formatLogMessage('JobKey:{}, Parameter: {}', [jobKey, '{"initialParameter": "test"}'])).toBe(
      'JobKey:{"clusterName":"c","groupName":"g","jobName":"etlJob","jobClassName":"com.acme.EtlJob"}, Parameter: {"initialParameter": "test"}',
    );
  });

  it('renders primitives, null, undefined, dates, bigints and circular objects', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(
      formatLogMessage('{} {} {} {} {} {} {}', [1, true, null, undefined, new Date(0), 10n, circular]),
    ).toBe('1 true null undefined 1970-01-01T00:00:00.000Z 10 {"a":1,"self":"[Circular]"}');
  });

  it('leaves a placeholder without an argument as is and honours \\{} escapes', () => {
    expect(formatLogMessage('a {} b {}', ['x'])).toBe('a x b {}');
    expect(formatLogMessage('literal \\{} then {}', ['x'])).toBe('literal {} then x');
    expect(formatLogMessage('backslash \\\\{}', ['x'])).toBe('backslash \\x');
  });

  it('shows an error in a placeholder as name: message, and appends the stack of a left-over error', () => {
    const error = new TypeError('boom');
    expect(formatLogMessage('failed: {}', [error])).toBe('failed: TypeError: boom');
    const withStack = formatLogMessage('DemoCronJob is failed by cause: {}', [error.message, error]);
    expect(withStack.startsWith('DemoCronJob is failed by cause: boom\nTypeError: boom\n    at ')).toBe(true);
  });

  it('appends left-over non-error arguments', () => {
    expect(formatLogMessage('rows', [3, { ok: true }])).toBe('rows 3 {"ok":true}');
  });

  it('caps very long lines', () => {
    const line = formatLogMessage('{}', ['x'.repeat(MAX_LOG_LINE_CHARS + 10)]);
    expect(line.length).toBeLessThan(MAX_LOG_LINE_CHARS + 20);
    expect(line.endsWith('[truncated]')).toBe(true);
  });
});
