import { loadConfig, SETTINGS } from './manager-config';

const secret = { CHACONNE_SECRET: 'k'.repeat(40) };

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
        reconcileIntervalMs: 10_000,
        heartbeatIntervalMs: 5_000,
        fireConcurrency: 64,
        dispatchTimeoutMs: 5_000,
        adminToken: null,
        rateLimitPerSecond: 0,
        attachmentLimitBytes: 65_536,
        callbackTimeoutMs: 10_000,
        callbackRetries: 2,
        callbackAllowlist: [],
      },
    });
    expect(SETTINGS.find((s) => s.env === 'CHACONNE_SECRET')?.default).toBeNull();
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
        'CHACONNE_SECRET: must be at least 32 characters',
      ]),
    );
    expect(result.errors).toHaveLength(7);
  });

  it('requires a database name in the MySQL URL and accepts a time zone and a production flag', () => {
    expect(loadConfig({ ...secret, CHACONNE_MYSQL_URL: 'mysql://root@db:3306' })).toEqual({
      ok: false,
      errors: ['CHACONNE_MYSQL_URL: must name a database, e.g. /chaconne'],
    });
    const result = loadConfig({ ...secret, NODE_ENV: 'production', CHACONNE_TIMEZONE: 'Asia/Shanghai' });
    expect(result.ok && result.config).toMatchObject({ production: true, timeZone: 'Asia/Shanghai' });
  });
});
