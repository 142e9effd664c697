import { DemoWorkerConfigError, demoWorkerOptions, parseDemoWorkerConfig } from './demo-worker.config';

const SECRET = 'demo-secret-0123456789-abcdefghijklmnop';

describe('parseDemoWorkerConfig', () => {
  it('applies the defaults', () => {
    expect(parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET })).toEqual({
      port: 8088,
      host: '127.0.0.1',
      managerUrl: 'http://127.0.0.1:6543',
      secret: SECRET,
      baseUrl: 'http://127.0.0.1:8088',
      clusterName: 'demo-cluster',
      groupName: 'demo-worker',
      helloPeriodSeconds: 15,
      labels: {},
      weight: 1,
    });
  });

  it('reads the labels and the weight of this instance', () => {
    expect(
      parseDemoWorkerConfig({
        CHACONNE_SECRET: SECRET,
        DEMO_WORKER_LABELS: ' region=eu , tier = gold',
        DEMO_WORKER_WEIGHT: '25',
      }),
    ).toMatchObject({ labels: { region: 'eu', tier: 'gold' }, weight: 25 });
  });

  it.each([
    ['region', 'DEMO_WORKER_LABELS must be comma-separated key=value pairs (got "region" in "region")'],
    ['=eu', 'DEMO_WORKER_LABELS must be comma-separated key=value pairs (got "=eu" in "=eu")'],
    ['a=1=2', 'DEMO_WORKER_LABELS must be comma-separated key=value pairs (got "a=1=2" in "a=1=2")'],
    ['tier=gold,,', 'DEMO_WORKER_LABELS must be comma-separated key=value pairs (got "" in "tier=gold,,")'],
    ['region=eu,region=us', 'DEMO_WORKER_LABELS names the label "region" twice'],
  ])('refuses the labels %j', (value, problem) => {
    expect(() => parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_LABELS: value })).toThrow(
      problem,
    );
  });

  it.each(['0', '-1', 'heavy', 'Infinity', '2.5', '1001'])('refuses the weight %j', (value) => {
    expect(() => parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_WEIGHT: value })).toThrow(
      `DEMO_WORKER_WEIGHT must be an integer from 1 to 1000 (got "${value}")`,
    );
  });

  it('passes the labels and the weight to the worker options', () => {
    const config = parseDemoWorkerConfig({
      CHACONNE_SECRET: SECRET,
      DEMO_WORKER_LABELS: 'region=eu',
      DEMO_WORKER_WEIGHT: '3',
    });
    expect(demoWorkerOptions(config)).toMatchObject({ labels: { region: 'eu' }, weight: 3 });
  });

  it('reads the HelloWorldJob period and refuses one under 5 s', () => {
    expect(
      parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_HELLO_PERIOD_SECONDS: '20' }).helloPeriodSeconds,
    ).toBe(20);
    expect(() => parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_HELLO_PERIOD_SECONDS: '1' })).toThrow(
      /DEMO_HELLO_PERIOD_SECONDS must be an integer between 5 and 86400/,
    );
  });

  it('reads every variable', () => {
    expect(
      parseDemoWorkerConfig({
        CHACONNE_SECRET: SECRET,
        DEMO_WORKER_PORT: '9090',
        CHACONNE_MANAGER_URL: 'http://manager:6543/',
        CHACONNE_WORKER_BASE_URL: 'http://demo-worker:9090',
      }),
    ).toMatchObject({ port: 9090, managerUrl: 'http://manager:6543', baseUrl: 'http://demo-worker:9090' });
  });

  it('binds the host it is given, and is reached there unless a base URL says otherwise', () => {
    expect(parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_HOST: '10.0.0.5' })).toMatchObject({
      host: '10.0.0.5',
      baseUrl: 'http://10.0.0.5:8088',
    });
    expect(
      parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_HOST: '::1', DEMO_WORKER_PORT: '9000' }),
    ).toMatchObject({ host: '::1', baseUrl: 'http://[::1]:9000' });
    expect(
      parseDemoWorkerConfig({
        CHACONNE_SECRET: SECRET,
        DEMO_WORKER_HOST: '127.0.0.1',
        CHACONNE_WORKER_BASE_URL: 'http://worker.internal:8088',
      }).baseUrl,
    ).toBe('http://worker.internal:8088');
  });

  it.each([
    ['0.0.0.0', '8088'],
    ['::', '8088'],
    ['127.0.0.1', '0'],
  ])('leaves the base URL to the SDK when binding %s on port %s', (host, port) => {
    expect(
      parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_HOST: host, DEMO_WORKER_PORT: port }),
    ).toMatchObject({ host, baseUrl: undefined });
  });

  it.each(['localhost', 'demo-worker', '300.1.1.1'])('refuses the host %j', (host) => {
    expect(() => parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET, DEMO_WORKER_HOST: host })).toThrow(
      `DEMO_WORKER_HOST must be an IP address to bind to, e.g. 127.0.0.1 or 0.0.0.0 (got "${host}")`,
    );
  });

  it('requires CHACONNE_SECRET with a clear message', () => {
    expect(() => parseDemoWorkerConfig({})).toThrow(
      /CHACONNE_SECRET is required: the secret shared with the manager/,
    );
  });

  it('lists every bad key at once', () => {
    let thrown: unknown;
    try {
      parseDemoWorkerConfig({
        CHACONNE_SECRET: 'short',
        DEMO_WORKER_PORT: 'eighty',
        CHACONNE_MANAGER_URL: 'manager:6543',
        CHACONNE_WORKER_BASE_URL: 'ftp://x',
        DEMO_WORKER_WEIGHT: '0',
        DEMO_WORKER_LABELS: 'region',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DemoWorkerConfigError);
    expect((thrown as DemoWorkerConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
      'DEMO_WORKER_PORT',
      'DEMO_WORKER_WEIGHT',
      'DEMO_WORKER_LABELS',
      'CHACONNE_MANAGER_URL',
      'CHACONNE_WORKER_BASE_URL',
      'CHACONNE_SECRET',
    ]);
  });
});
