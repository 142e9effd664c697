import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RunningState } from '@chaconne/contracts';
import { waitFor } from '@chaconne/testing';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ConfigModule } from '../../config/config.module';
import { loadConfig, type ManagerConfig } from '../../config/manager-config';
import { AlertModule } from './alert.module';
import { AlertService, type AlertTuning, isTransient, type RunAlert } from './alert.service';

// Real SMTP on loopback: smtp-server receives what nodemailer sends, mailparser reads it.

const USER = 'alerts';
const PASSWORD = 'p@ss:w0rd-secret';
const ENCODED_PASSWORD = encodeURIComponent(PASSWORD);

interface Received {
  user: unknown;
  mailFrom: string | null;
  rcptTo: string[];
  mail: ParsedMail;
}

/** An SMTP server on a loopback port that keeps every message it accepts. */
class TestSmtp {
  readonly received: Received[] = [];
  readonly auths: { username: string | undefined; password: string | undefined }[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(options: { rejectRecipientsWith?: number } = {}) {
    this.server = new SMTPServer({
      logger: false,
      // Plain SMTP on loopback: no STARTTLS (its certificate would be self-signed), AUTH allowed anyway.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => {
        this.auths.push({ username: auth.username, password: auth.password ?? undefined });
        if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, callback) => {
        const code = options.rejectRecipientsWith;
        if (code === undefined) callback();
        else callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: code }));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const { mailFrom, rcptTo } = session.envelope;
            this.received.push({
              user: session.user,
              mailFrom: mailFrom === false ? null : mailFrom.address,
              rcptTo: rcptTo.map((r) => r.address),
              mail,
            });
            callback();
          })
          .catch((error: unknown) => {
            callback(error as Error);
          });
      },
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.server.address();
        this.port = typeof address === 'object' && address ? address.port : 0;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.server.listening) {
        resolve();
        return;
      }
      this.server.close(resolve);
    });
  }

  /** Waits for `n` messages in all. */
  async messages(n: number): Promise<Received[]> {
    return waitFor(
      `${n} message(s) at the test SMTP server (got ${this.received.length})`,
      () => Promise.resolve(this.received.length >= n ? this.received : undefined),
      10_000,
      20,
    );
  }
}

/** A port nothing listens on (for now). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

function configFor(port: number | null, env: Record<string, string> = {}): ManagerConfig {
  const result = loadConfig({
    CHACONNE_SECRET: randomBytes(32).toString('hex'),
    ...(port === null
      ? {}
      : {
          CHACONNE_SMTP_URL: `smtp://${USER}:${ENCODED_PASSWORD}@127.0.0.1:${port}`,
          CHACONNE_ALERT_FROM: 'Chaconne <alerts@example.com>',
          CHACONNE_ALERT_CC: 'ops@example.com, oncall@example.org',
        }),
    ...env,
  });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.config;
}

const alertOf = (overrides: Partial<RunAlert> = {}): RunAlert => ({
  jobId: 7,
  jobKey: { clusterName: 'prod', groupName: 'billing', jobName: 'invoice', jobClassName: 'InvoiceJob' },
  recipients: 'owner@example.com, team@example.com',
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

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

describe('AlertService (real SMTP)', () => {
  let logs: string[];
  const servers: TestSmtp[] = [];
  const services: AlertService[] = [];
  const sockets = new Set<Socket>();
  const rawServers: Server[] = [];

  const smtp = async (options?: ConstructorParameters<typeof TestSmtp>[0]): Promise<TestSmtp> => {
    const server = new TestSmtp(options);
    servers.push(server);
    await server.listen();
    return server;
  };
  const service = (config: ManagerConfig, tuning?: AlertTuning): AlertService => {
    const created = new AlertService(config, tuning);
    services.push(created);
    return created;
  };

  beforeEach(() => {
    logs = [];
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logs.push(`${level}: ${String(args[0])}`);
      });
    }
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.onApplicationShutdown()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(rawServers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    jest.restoreAllMocks();
  });

  it("mails the job's recipients and the CC list, with the subject and both bodies, through the Nest module", async () => {
    const server = await smtp();
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(configFor(server.port)), AlertModule],
    }).compile();
    await moduleRef.init();
    const alerts = moduleRef.get(AlertService);

    alerts.notify(alertOf());
    const [received] = await server.messages(1);
    await moduleRef.close();

    expect(received?.rcptTo).toEqual([
      'owner@example.com',
      'team@example.com',
      'ops@example.com',
      'oncall@example.org',
    ]);
    expect(received?.mailFrom).toBe('alerts@example.com');
    expect(received?.user).toBe(USER);
    expect(server.auths).toEqual([{ username: USER, password: PASSWORD }]);
    const mail = received!.mail;
    expect(addresses(mail.to)).toEqual(['owner@example.com', 'team@example.com']);
    expect(addresses(mail.cc)).toEqual(['ops@example.com', 'oncall@example.org']);
    expect(mail.from?.value).toEqual([{ name: 'Chaconne', address: 'alerts@example.com' }]);
    expect(mail.subject).toBe('[Chaconne] FAILED prod/billing/invoice (run 123)');
    expect(mail.text).toMatch(/^Run \(trace id\): +123$/m);
    expect(mail.text).toMatch(/^Attempt: +3$/m);
    expect(mail.text).toMatch(/^Planned at \(UTC\): +2026-01-02T03:04:05\.000Z$/m);
    expect(mail.text).toMatch(/^Running state: +FAILED \(0\)$/m);
    expect(mail.text).toMatch(/^Instance: +worker-1$/m);
    expect(mail.html).toContain('<pre>Error: boom\n    at run (job.ts:1:1)</pre>');
    expect(alerts.stats()).toMatchObject({ sent: 1, failed: 0, queued: 0, sending: 0 });

    expect(logs).toContain(
      'log: Alert mails go through smtp://127.0.0.1:' +
        String(server.port) +
        ', at most one per job and event kind every 60000 ms',
    );
    const everything = logs.join('\n');
    for (const secret of [PASSWORD, ENCODED_PASSWORD, 'p@ss']) expect(everything).not.toContain(secret);
  });

  it('HTML-escapes a job name holding <script> in the mail it delivers', async () => {
    const server = await smtp();
    const alerts = service(configFor(server.port));
    alerts.notify(
      alertOf({
        jobKey: { ...alertOf().jobKey, jobName: '<script>alert("x")</script>' },
        reason: 'a & b < c',
      }),
    );
    const [received] = await server.messages(1);
    const html = received!.mail.html as string;
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('a &amp; b &lt; c');
    expect(received!.mail.subject).toBe(
      '[Chaconne] FAILED prod/billing/<script>alert("x")</script> (run 123)',
    );
  });

  it('is off, and says so once at start, when no SMTP URL is set', async () => {
    const alerts = service(configFor(null));
    alerts.notify(alertOf());
    alerts.notify(alertOf({ runId: 124 }));
    expect(alerts.stats()).toEqual({
      queued: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      suppressed: 0,
      dropped: 0,
    });
    expect(logs).toEqual(['log: Alert mails are off: CHACONNE_SMTP_URL is not set']);
    await alerts.onApplicationShutdown();
  });

  it('mails nobody for a job without recipients', async () => {
    const server = await smtp();
    const alerts = service(configFor(server.port));
    alerts.notify(alertOf({ jobId: 1, recipients: '' }));
    alerts.notify(alertOf({ jobId: 2, recipients: ' , ' }));
    alerts.notify(alertOf({ jobId: 3, runId: 300, recipients: 'only@example.com' }));
    await server.messages(1);
    await alerts.onApplicationShutdown();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.mail.subject).toBe('[Chaconne] FAILED prod/billing/invoice (run 300)');
    expect(alerts.stats()).toMatchObject({ sent: 1, suppressed: 0, dropped: 0 });
  });

  it('throttles per job and event kind, and counts what it suppressed in the next mail', async () => {
    const server = await smtp();
    let now = 1_000_000;
    const alerts = service(configFor(server.port), { now: () => now });

    alerts.notify(alertOf({ runId: 1 }));
    now += 1_000;
    alerts.notify(alertOf({ runId: 2 }));
    alerts.notify(alertOf({ runId: 3 }));
    // Another event kind of the same job, and another job, are not held back.
    alerts.notify(alertOf({ runId: 4, event: 'terminated', runningState: RunningState.FINISHED }));
    alerts.notify(alertOf({ runId: 5, jobId: 8 }));
    expect(alerts.stats().suppressed).toBe(2);
    await server.messages(3);

    now += 60_000;
    alerts.notify(alertOf({ runId: 6 }));
    await server.messages(4);
    await alerts.onApplicationShutdown();

    const byRun = new Map(server.received.map((r) => [r.mail.subject, r.mail]));
    expect([...byRun.keys()].sort()).toEqual([
      '[Chaconne] FAILED prod/billing/invoice (run 1)',
      '[Chaconne] FAILED prod/billing/invoice (run 5)',
      '[Chaconne] FAILED prod/billing/invoice (run 6)',
      '[Chaconne] TERMINATED prod/billing/invoice (run 4)',
    ]);
    expect(byRun.get('[Chaconne] FAILED prod/billing/invoice (run 1)')?.text).not.toContain('suppressed');
    const sixth = byRun.get('[Chaconne] FAILED prod/billing/invoice (run 6)');
    expect(sixth?.text).toContain('2 similar alerts suppressed since the last mail');
    expect(sixth?.html).toContain('2 similar alerts suppressed since the last mail');
    expect(alerts.stats()).toMatchObject({ sent: 4, suppressed: 2 });
  });

  it('retries while the SMTP server is down and delivers once it is up', async () => {
    const port = await freePort();
    const alerts = service(configFor(port));
    alerts.notify(alertOf());
    await waitFor(
      'a failed first attempt',
      () => Promise.resolve(alerts.stats().retried >= 1 ? true : undefined),
      10_000,
      20,
    );
    expect(alerts.stats()).toMatchObject({ sent: 0, failed: 0, sending: 1 });

    const server = new TestSmtp();
    servers.push(server);
    await server.listen(port);
    const [received] = await server.messages(1);
    expect(received?.mail.subject).toBe('[Chaconne] FAILED prod/billing/invoice (run 123)');
    // The server has the message before the client has the server's answer to it.
    await waitFor(
      'the send to complete',
      () => Promise.resolve(alerts.stats().sending === 0 ? true : undefined),
      5_000,
      20,
    );
    expect(alerts.stats()).toMatchObject({ sent: 1, failed: 0 });
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^warn: run 123: alert mail attempt 1 failed \(ESOCKET: .*\); retrying in 1000 ms$/,
      ),
    );
    expect(logs.join('\n')).not.toContain('p@ss');
  });

  it('gives up at once on a permanent rejection and logs it without the password', async () => {
    const server = await smtp({ rejectRecipientsWith: 550 });
    const alerts = service(configFor(server.port));
    alerts.notify(alertOf());
    await waitFor(
      'the final failure',
      () => Promise.resolve(alerts.stats().failed ? true : undefined),
      10_000,
      20,
    );
    expect(alerts.stats()).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    expect(server.received).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^error: run 123: failed alert of job 7 not mailed after 1 attempt\(s\): EENVELOPE 550: /,
      ),
    );
    expect(logs.join('\n')).not.toContain('p@ss');
  });

  it('does not retry a refused login, and keeps the password out of the log', async () => {
    const server = await smtp();
    const config = configFor(server.port, {
      CHACONNE_SMTP_URL: `smtp://${USER}:wrong-${ENCODED_PASSWORD}@127.0.0.1:${server.port}`,
    });
    const alerts = service(config);
    alerts.notify(alertOf());
    await waitFor(
      'the final failure',
      () => Promise.resolve(alerts.stats().failed ? true : undefined),
      10_000,
      20,
    );
    expect(server.auths).toEqual([{ username: USER, password: `wrong-${PASSWORD}` }]);
    expect(alerts.stats()).toMatchObject({ sent: 0, failed: 1, retried: 0 });
    expect(logs).toContainEqual(expect.stringMatching(/not mailed after 1 attempt\(s\): EAUTH 535/));
    expect(logs.join('\n')).not.toContain('p@ss');
  });

  it('drops and counts alerts beyond the queue capacity', async () => {
    const server = await smtp();
    const alerts = service(configFor(server.port), { queueCapacity: 1, concurrency: 1 });
    alerts.notify(alertOf({ jobId: 1, runId: 1 })); // being sent
    alerts.notify(alertOf({ jobId: 2, runId: 2 })); // queued
    alerts.notify(alertOf({ jobId: 3, runId: 3 })); // no room
    alerts.notify(alertOf({ jobId: 4, runId: 4 })); // no room, not logged again
    expect(alerts.stats()).toMatchObject({ sending: 1, queued: 1, dropped: 2 });
    await server.messages(2);
    await alerts.onApplicationShutdown();
    expect(server.received.map((r) => r.mail.subject).sort()).toEqual([
      '[Chaconne] FAILED prod/billing/invoice (run 1)',
      '[Chaconne] FAILED prod/billing/invoice (run 2)',
    ]);
    expect(logs.filter((l) => l.includes('alert queue full'))).toEqual([
      'warn: run 3: alert queue full (1), alert dropped; 1 dropped so far',
    ]);
  });

  it('sends what is queued before it stops, then takes no more', async () => {
    const server = await smtp();
    const alerts = service(configFor(server.port), { concurrency: 1 });
    for (const jobId of [1, 2, 3]) alerts.notify(alertOf({ jobId, runId: jobId }));
    await alerts.onApplicationShutdown();
    expect(server.received).toHaveLength(3);

    alerts.notify(alertOf({ jobId: 4, runId: 4 }));
    expect(alerts.stats()).toMatchObject({ sent: 3, dropped: 1, queued: 0 });
  });

  it('stops within its drain time when the SMTP server never answers', async () => {
    // Accepts connections and never greets: nodemailer would wait for its greeting timeout.
    const mute = createServer((socket) => sockets.add(socket));
    rawServers.push(mute);
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const address = mute.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const alerts = service(configFor(port), { drainTimeoutMs: 200, concurrency: 1 });
    alerts.notify(alertOf({ jobId: 1, runId: 1 }));
    alerts.notify(alertOf({ jobId: 2, runId: 2 }));
    await waitFor('a connection', () => Promise.resolve(sockets.size > 0 ? true : undefined), 10_000, 20);

    await alerts.onApplicationShutdown();
    expect(alerts.stats()).toMatchObject({ queued: 0, sending: 0, sent: 0, failed: 1, dropped: 1 });
    expect(logs).toContain('warn: stopping: 2 alert mail(s) not sent within 200 ms are dropped');
  });
});

describe('isTransient', () => {
  it('retries connection failures and 4xx replies, not 5xx replies or refused logins', () => {
    expect(isTransient(Object.assign(new Error('refused'), { code: 'ESOCKET' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isTransient({ code: 'EENVELOPE', responseCode: 451, permanent: false })).toBe(true);
    expect(isTransient({ code: 'EMESSAGE', responseCode: 421 })).toBe(true);
    expect(isTransient({ code: 'EENVELOPE', responseCode: 550, permanent: true })).toBe(false);
    expect(isTransient({ code: 'EAUTH', responseCode: 535 })).toBe(false);
    expect(isTransient({ code: 'ECONFIG' })).toBe(false);
    expect(isTransient(new Error('anything else'))).toBe(false);
    expect(isTransient(null)).toBe(false);
  });
});
