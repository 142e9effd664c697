import { randomBytes } from 'node:crypto';
import { loadConfig, logLevelsUpTo, SETTINGS } from './manager-config';

const secret = { CHACONNE_SECRET: randomBytes(32).toString('hex') };

describe('loadConfig', () => {
  it('applies the documented default of every setting but the secret', () => {
    const result = loadConfig(secret);
    expect(result).toEqual({
      ok: true,
      config: {
        production: false,
        mysqlUrl: 'mysql://root@127.0.0.1:3306/chaconne',
        redisUrl: 'redis://127.0.0.1:6379',
        host: '127.0.0.1',
        port: 6543,
        prefix: 'chaconne',
        secret: secret.CHACONNE_SECRET,
        timeZone: 'UTC',
        logLevel: 'log',
        reconcileIntervalMs: 10_000,
        heartbeatIntervalMs: 5_000,
        fireConcurrency: 64,
        dispatchTimeoutMs: 5_000,
        dispatchLeadMs: 500,
        capacityWaitMs: 60_000,
        adminToken: null,
        rotateAdminToken: false,
        rateLimitPerSecond: 0,
        logTailLimit: 100,
        attachmentLimitBytes: 65_536,
        callbackTimeoutMs: 10_000,
        callbackRetries: 2,
        callbackAllowlist: [],
        misfireThresholdMs: 5_000,
        plugins: [],
        smtpUrl: null,
        alertFrom: null,
        alertCc: [],
        alertSubjectPrefix: '[Chaconne]',
        alertThrottleMs: 60_000,
      },
    });
    expect(SETTINGS.find((s) => s.env === 'CHACONNE_SECRET')?.default).toBeNull();
  });

  it('writes the levels up to CHACONNE_LOG_LEVEL, and refuses an unknown one', () => {
    const at = (level: string) => loadConfig({ ...secret, CHACONNE_LOG_LEVEL: level });
    const warn = at('warn');
    expect(warn.ok && logLevelsUpTo(warn.config.logLevel)).toEqual(['fatal', 'error', 'warn']);
    expect(logLevelsUpTo('log')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(logLevelsUpTo('verbose')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
    expect(at('trace')).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^CHACONNE_LOG_LEVEL: must be one of error, warn, log, debug, verbose/)],
    });
  });

  it('has no default secret, in any mode', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      expect(loadConfig(env)).toEqual({
        ok: false,
        errors: [expect.stringMatching(/^CHACONNE_SECRET: is required/)],
      });
    }
  });

  it('lists every bad key at once', () => {
    const result = loadConfig({
      CHACONNE_SECRET: 'short',
      CHACONNE_PORT: '70000',
      CHACONNE_MYSQL_URL: 'postgres://localhost/x',
      CHACONNE_REDIS_URL: 'not a url',
      CHACONNE_TIMEZONE: 'Mars/Olympus',
      CHACONNE_PREFIX: 'bad prefix!',
      CHACONNE_HEARTBEAT_INTERVAL_MS: 'soon',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.split(':')[0]).sort()).toEqual([
      'CHACONNE_HEARTBEAT_INTERVAL_MS',
      'CHACONNE_MYSQL_URL',
      'CHACONNE_PORT',
      'CHACONNE_PREFIX',
      'CHACONNE_REDIS_URL',
      'CHACONNE_SECRET',
      'CHACONNE_TIMEZONE',
    ]);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'CHACONNE_PORT: must be an integer between 0 and 65535',
        'CHACONNE_MYSQL_URL: must use mysql: or mariadb:',
        "CHACONNE_TIMEZONE: 'Mars/Olympus' is not an IANA time zone",
        'CHACONNE_SECRET: must be at least 32 characters (got 5); generate one with `openssl rand -hex 32`',
      ]),
    );
    expect(result.errors).toHaveLength(7);
  });

  it('refuses a secret or admin token without entropy, in any mode, without echoing it', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      const result = loadConfig({
        ...env,
        CHACONNE_SECRET: 'x'.repeat(32),
        CHACONNE_ADMIN_TOKEN: 'changeme'.repeat(4),
      });
      expect(result).toEqual({
        ok: false,
        errors: [
          'CHACONNE_SECRET: repeats a block of 1 character: it has no real entropy; generate one with `openssl rand -hex 32`',
          'CHACONNE_ADMIN_TOKEN: repeats a block of 8 characters: it has no real entropy; generate one with `openssl rand -hex 32`',
        ],
      });
      expect(JSON.stringify(result)).not.toContain('changeme');
    }
    const token = randomBytes(32).toString('hex');
    const strong = loadConfig({ ...secret, CHACONNE_ADMIN_TOKEN: token });
    expect(strong.ok && strong.config.adminToken).toBe(token);
  });

  it('reads CHACONNE_ROTATE_ADMIN_TOKEN as true or false only', () => {
    const on = loadConfig({ ...secret, CHACONNE_ROTATE_ADMIN_TOKEN: 'true' });
    expect(on.ok && on.config.rotateAdminToken).toBe(true);
    expect(loadConfig({ ...secret, CHACONNE_ROTATE_ADMIN_TOKEN: 'yes' })).toEqual({
      ok: false,
      errors: ['CHACONNE_ROTATE_ADMIN_TOKEN: must be true or false'],
    });
  });

  it('requires a database name in the MySQL URL and accepts a time zone and a production flag', () => {
    expect(loadConfig({ ...secret, CHACONNE_MYSQL_URL: 'mysql://root@db:3306' })).toEqual({
      ok: false,
      errors: ['CHACONNE_MYSQL_URL: must name a database, e.g. /chaconne'],
    });
    const result = loadConfig({ ...secret, NODE_ENV: 'production', CHACONNE_TIMEZONE: 'Asia/Shanghai' });
    expect(result.ok && result.config).toMatchObject({ production: true, timeZone: 'Asia/Shanghai' });
  });

  describe('alert mail', () => {
    it('accepts an SMTP URL with a sender, a CC list, a prefix and a throttle', () => {
      const result = loadConfig({
        ...secret,
        CHACONNE_SMTP_URL: 'smtps://alerts:p%40ss@smtp.example.com:465',
        CHACONNE_ALERT_FROM: 'Chaconne <alerts@example.com>',
        CHACONNE_ALERT_CC: ' ops@example.com, ,oncall@example.org ',
        CHACONNE_ALERT_SUBJECT_PREFIX: '[prod]',
        CHACONNE_ALERT_THROTTLE_MS: '0',
      });
      expect(result.ok && result.config).toMatchObject({
        smtpUrl: 'smtps://alerts:p%40ss@smtp.example.com:465',
        alertFrom: 'Chaconne <alerts@example.com>',
        alertCc: ['ops@example.com', 'oncall@example.org'],
        alertSubjectPrefix: '[prod]',
        alertThrottleMs: 0,
      });
      const plain = loadConfig({
        ...secret,
        CHACONNE_SMTP_URL: 'smtp://mail:587',
        CHACONNE_ALERT_FROM: 'a@b',
      });
      expect(plain.ok && plain.config).toMatchObject({ smtpUrl: 'smtp://mail:587', alertFrom: 'a@b' });
    });

    it('requires a sender once SMTP is set, and lists every bad alert key without echoing the password', () => {
      expect(loadConfig({ ...secret, CHACONNE_SMTP_URL: 'smtp://u:pw@mail:587' })).toEqual({
        ok: false,
        errors: ['CHACONNE_ALERT_FROM: is required when CHACONNE_SMTP_URL is set'],
      });
      const result = loadConfig({
        ...secret,
        CHACONNE_SMTP_URL: 'http://user:hunter2-secret@mail:587',
        CHACONNE_ALERT_FROM: 'not an address',
        CHACONNE_ALERT_CC: 'ops@example.com,nobody',
        CHACONNE_ALERT_SUBJECT_PREFIX: 'x'.repeat(101),
        CHACONNE_ALERT_THROTTLE_MS: '-1',
      });
      expect(result).toEqual({
        ok: false,
        errors: [
          'CHACONNE_SMTP_URL: must use smtp: or smtps:',
          'CHACONNE_ALERT_FROM: must be an address like alerts@example.com or Name <alerts@example.com>',
          'CHACONNE_ALERT_CC: not an address: nobody',
          'CHACONNE_ALERT_SUBJECT_PREFIX: must be at most 100 characters, without control characters',
          'CHACONNE_ALERT_THROTTLE_MS: must be an integer between 0 and 86400000',
        ],
      });
      expect(JSON.stringify(result)).not.toContain('hunter2');
      expect(loadConfig({ ...secret, CHACONNE_SMTP_URL: 'smtp://user:hunter2@' })).toEqual({
        ok: false,
        errors: [expect.stringMatching(/^CHACONNE_SMTP_URL: must (be a URL|name a host)/)],
      });
    });

    it('leaves alerts off, with no sender needed, when no SMTP URL is set', () => {
      const result = loadConfig({ ...secret, CHACONNE_SMTP_URL: '  ', CHACONNE_ALERT_CC: 'ops@example.com' });
      expect(result.ok && result.config).toMatchObject({ smtpUrl: null, alertFrom: null });
    });
  });
});
