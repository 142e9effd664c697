import { JOB_KEY_MAX_LENGTH } from '../identifier';
import { schemaProblems } from './field-errors';
import { identifier } from './field-rules';
import { jobKeySchema } from './job-key-schema';

/** The first problem of `value` as an identifier of at most `max` characters. */
const problemOf = (value: unknown, max: number): string | undefined =>
  schemaProblems(identifier(max), value)[0]?.reason;

describe('identifier', () => {
  it('accepts names in any script, with spaces, punctuation and emoji', () => {
    for (const name of [
      'etl',
      'com.acme.EtlJob',
      'nightly report (EU)',
      'déjà-vu',
      '作业一',
      'job 🚀',
      'a\u00A0b',
    ]) {
      expect([name, problemOf(name, 64)]).toEqual([name, undefined]);
    }
  });

  it.each([
    ['a\nb', 'contains a line feed (U+000A) at position 2'],
    ['a\rb', 'contains a carriage return (U+000D) at position 2'],
    ['\u0000x', 'contains a NUL character (U+0000) at position 1'],
    ['a\tb', 'contains a tab (U+0009) at position 2'],
    ['x\u001b[31m', 'contains a control character (U+001B) at position 2'],
    ['x\u0085', 'contains a control character (U+0085) at position 2'],
    ['x\u007f', 'contains a control character (U+007F) at position 2'],
    ['abc\u202Egpj.exe', 'contains a bidirectional control character (U+202E) at position 4'],
    ['a\u2066b', 'contains a bidirectional control character (U+2066) at position 2'],
    ['a\u200Bb', 'contains an invisible format character (U+200B) at position 2'],
    ['\uFEFFa', 'contains an invisible format character (U+FEFF) at position 1'],
    ['a\u2028b', 'contains a line or paragraph separator (U+2028) at position 2'],
    ['a\uD800b', 'contains a lone surrogate (U+D800) at position 2'],
    ['a\uDFFF', 'contains a lone surrogate (U+DFFF) at position 2'],
  ])('refuses %j: %s', (value, reason) => {
    expect(problemOf(value, 64)).toBe(reason);
  });

  it('checks the raw value before trimming: a trailing newline is refused, not trimmed away', () => {
    expect(problemOf('job\n', 64)).toBe('contains a line feed (U+000A) at position 4');
    expect(problemOf('  job  ', 64)).toBeUndefined();
  });

  it('refuses non-strings, blanks and names over the limit (trimmed), in the manager words', () => {
    expect(problemOf(42, 64)).toBe('must be a string');
    expect(problemOf(null, 64)).toBe('must be a string');
    expect(problemOf(undefined, 64)).toBe('is required');
    expect(problemOf('   ', 64)).toBe('must not be empty');
    expect(problemOf('x'.repeat(65), 64)).toBe('must be at most 64 characters');
    expect(problemOf(` ${'x'.repeat(64)} `, 64)).toBeUndefined();
  });
});

describe('jobKeySchema', () => {
  const key = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'com.acme.J' };

  it('accepts a valid key and names every bad part', () => {
    expect(schemaProblems(jobKeySchema, key)).toEqual([]);
    expect(
      schemaProblems(jobKeySchema, {
        ...key,
        groupName: '',
        jobName: 'a\nb',
        jobClassName: 'x'.repeat(JOB_KEY_MAX_LENGTH.jobClassName + 1),
      }),
    ).toEqual([
      { field: 'groupName', reason: 'must not be empty' },
      { field: 'jobName', reason: 'contains a line feed (U+000A) at position 2' },
      { field: 'jobClassName', reason: 'must be at most 255 characters' },
    ]);
  });

  it('refuses what is not an object', () => {
    expect(schemaProblems(jobKeySchema, 'c.g.j')).toEqual([{ field: '(body)', reason: 'must be an object' }]);
  });
});
