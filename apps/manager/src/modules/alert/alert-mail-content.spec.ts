import { RunningState } from '@chaconne/contracts';
import { escapeHtml, MAX_STACK_CHARS, renderAlertMail } from './alert-mail-content';
import type { RunAlert } from './run-alert';

const alert = (overrides: Partial<RunAlert> = {}): RunAlert => ({
  jobId: 7,
  jobKey: { clusterName: 'prod', groupName: 'billing', jobName: 'invoice', jobClassName: 'InvoiceJob' },
  recipients: 'owner@example.com',
  runId: 123,
  attempt: 3,
  plannedAt: new Date('2026-01-02T03:04:05.000Z'),
  runningState: RunningState.FAILED,
  reason: 'boom',
  errorStack: 'Error: boom\n    at run (job.ts:1:1)',
  instanceId: 'worker-1',
  event: 'failed',
  ...overrides,
});

const options = { subjectPrefix: '[Chaconne]', suppressed: 0 };

describe('renderAlertMail', () => {
  it('names the event, the job path and the run in the subject', () => {
    expect(renderAlertMail(alert(), options).subject).toBe(
      '[Chaconne] FAILED prod/billing/invoice (run 123)',
    );
    expect(
      renderAlertMail(alert({ event: 'terminated', runningState: RunningState.FINISHED }), options).subject,
    ).toBe('[Chaconne] TERMINATED prod/billing/invoice (run 123)');
    expect(renderAlertMail(alert({ event: 'frozen' }), { ...options, subjectPrefix: '[prod]' }).subject).toBe(
      '[prod] FROZEN prod/billing/invoice (run 123)',
    );
  });

  it('keeps line breaks of a job name out of the subject', () => {
    const mail = renderAlertMail(
      alert({ jobKey: { ...alert().jobKey, jobName: 'a\r\nBcc: victim@example.com' } }),
      options,
    );
    expect(mail.subject).toBe('[Chaconne] FAILED prod/billing/a Bcc: victim@example.com (run 123)');
  });

  it('lists every run fact in the text, the stack trace last', () => {
    const { text } = renderAlertMail(alert(), options);
    expect(text).toContain('Job prod/billing/invoice failed on its last attempt (run 123, attempt 3).');
    for (const line of [
      /^Cluster: +prod$/m,
      /^Group: +billing$/m,
      /^Job name: +invoice$/m,
      /^Job class: +InvoiceJob$/m,
      /^Job id: +7$/m,
      /^Run \(trace id\): +123$/m,
      /^Attempt: +3$/m,
      /^Planned at \(UTC\): +2026-01-02T03:04:05\.000Z$/m,
      /^Running state: +FAILED \(0\)$/m,
      /^Instance: +worker-1$/m,
      /^Reason: +boom$/m,
    ])
      expect(text).toMatch(line);
    expect(text).toMatch(/Stack trace:\nError: boom\n {4}at run \(job\.ts:1:1\)\n$/);
    expect(text).not.toContain('suppressed');
  });

  it('escapes every value in the HTML and puts the stack trace in a <pre>', () => {
    const { html } = renderAlertMail(
      alert({
        jobKey: {
          clusterName: 'c&o',
          groupName: '"g"',
          jobName: '<script>alert(1)</script>',
          jobClassName: "J'",
        },
        reason: '<img src=x onerror=alert(2)>',
        errorStack: 'Error: <b>bold</b> & more',
        instanceId: '<i>',
      }),
      options,
    );
    expect(html).not.toMatch(/<script|<img|<b>|<i>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('c&amp;o/&quot;g&quot;/&lt;script&gt;');
    expect(html).toContain('J&#39;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('<pre>Error: &lt;b&gt;bold&lt;/b&gt; &amp; more</pre>');
    expect(html).toContain('<td style="white-space:pre-wrap">&lt;i&gt;</td>');
  });

  it('says how many similar alerts were suppressed', () => {
    expect(renderAlertMail(alert(), { ...options, suppressed: 1 }).text).toContain(
      '(1 similar alert suppressed since the last mail)',
    );
    const mail = renderAlertMail(alert(), { ...options, suppressed: 5 });
    expect(mail.text).toContain('(5 similar alerts suppressed since the last mail)');
    expect(mail.html).toContain('<em>5 similar alerts suppressed since the last mail</em>');
  });

  it('survives missing values, an invalid date and an unknown state, and cuts a huge stack', () => {
    const mail = renderAlertMail(
      alert({
        reason: null,
        errorStack: 'x'.repeat(MAX_STACK_CHARS + 10),
        instanceId: null,
        plannedAt: new Date(Number.NaN),
        runningState: 42 as RunningState,
      }),
      options,
    );
    expect(mail.text).toMatch(/^Reason: +-$/m);
    expect(mail.text).toMatch(/^Instance: +-$/m);
    expect(mail.text).toMatch(/^Planned at \(UTC\): +unknown$/m);
    expect(mail.text).toMatch(/^Running state: +UNKNOWN \(42\)$/m);
    expect(mail.text).toContain('(10 more characters cut)');
    expect(mail.text).not.toContain('x'.repeat(MAX_STACK_CHARS + 1));
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
