import { DemoWorkerConfigError, parseDemoWorkerConfig } from './demo-worker.config';

const SECRET = 'demo-secret-0123456789-abcdefghijklmnop';

describe('parseDemoWorkerConfig', () => {
  it('applies the defaults', () => {
    expect(parseDemoWorkerConfig({ CHACONNE_SECRET: SECRET })).toEqual({
      port: 8088,
      managerUrl: 'http://127.0.0.1:6543',
      secret: SECRET,
      baseUrl: undefined,
      clusterName: 'demo-cluster',
      groupName: 'demo-worker',
      helloPeriodSeconds: 15,
    });
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
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DemoWorkerConfigError);
    expect((thrown as DemoWorkerConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
      'DEMO_WORKER_PORT',
      'CHACONNE_MANAGER_URL',
      'CHACONNE_WORKER_BASE_URL',
      'CHACONNE_SECRET',
    ]);
  });
});
