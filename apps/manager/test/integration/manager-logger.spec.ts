import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureOutput, waitFor } from '@chaconne/testing';
import {
  adminPost,
  cleanUp,
  closeAndCleanUp,
  registration,
  signedPost,
  startManagerApp,
  testConfig,
} from '../support/test-env';

jest.setTimeout(60_000);

describe('start-up output of a manager at the default log level', () => {
  it('keeps the generated token and the start in view: routes and modules are debug lines', async () => {
    const config = testConfig({ CHACONNE_ADMIN_TOKEN: '' });
    const output = captureOutput();
    let started: Awaited<ReturnType<typeof startManagerApp>> | undefined;
    try {
      started = await startManagerApp(config, ['fatal', 'error', 'warn', 'log']);
    } finally {
      output.stop();
      await started?.app.close();
      await cleanUp(config);
    }
    const lines = output.lines();
    expect(lines.filter((line) => /Mapped \{|dependencies initialized|Controller \{/.test(line))).toEqual([]);
    expect(
      lines.some((line) => /^\S*\[Nest\].* {4}chac_[\w-]{40,}/.test(line.replace(/\u001b\[[\d;]*m/g, ''))),
    ).toBe(true);
    expect(output.text()).toContain('Nest application successfully started');
    // Everything that remains: migrations, the token lines, the start; not 150 lines of routes.
    expect(lines.length).toBeLessThan(20);
  });

  it('writes the route mapping at debug level', async () => {
    const config = testConfig();
    const output = captureOutput();
    let started: Awaited<ReturnType<typeof startManagerApp>> | undefined;
    try {
      started = await startManagerApp(config, ['error', 'warn', 'log', 'debug']);
    } finally {
      output.stop();
      await started?.app.close();
      await cleanUp(config);
    }
    const plain = output.lines().map((line) => line.replace(/\u001b\[[\d;]*m/g, ''));
    const mapped = 'DEBUG [RouterExplorer] Mapped {/job/admin/persistJob, POST} route';
    expect(plain.filter((line) => line.includes(mapped))).toHaveLength(1);
  });
});

describe('user text in a log line', () => {
  const config = testConfig();
  let manager: Awaited<ReturnType<typeof startManagerApp>>;
  let worker: Server;
  let workerUrl: string;
  /** A forged line hidden in a worker's answer, which the manager logs as the dispatch failure's reason. */
  const FORGED = '[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [ApiTokenService] bootstrap token rotated';

  beforeAll(async () => {
    worker = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: `BOOM\n${FORGED}\r\n` }));
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
    manager = await startManagerApp(config);
  });

  afterAll(async () => {
    const workerServer = { close: () => new Promise((resolve) => worker.close(resolve)) };
    // Undefined when beforeAll failed before the manager started.
    const started = manager as typeof manager | undefined;
    await closeAndCleanUp(config, started?.app, workerServer);
  });

  it("writes a worker's answer holding CR/LF and a forged line as one escaped line", async () => {
    const registered = await signedPost(manager.baseUrl, config.secret, '/worker/register', {
      ...registration('forger', { baseUrl: workerUrl }),
    });
    expect(registered.status).toBe(200);
    const persisted = await adminPost(manager.baseUrl, config, '/job/admin/persistJob', {
      jobKey: {
        clusterName: 'demo-cluster',
        groupName: 'demo-worker',
        jobName: 'forge',
        jobClassName: 'EtlJob',
      },
      trigger: { triggerType: 0 },
    });
    expect(persisted.status).toBe(200);
    const output = captureOutput();
    try {
      const triggered = await adminPost(manager.baseUrl, config, '/job/admin/triggerJob', {
        jobKey: {
          clusterName: 'demo-cluster',
          groupName: 'demo-worker',
          jobName: 'forge',
          jobClassName: 'EtlJob',
        },
      });
      expect(triggered.status).toBe(200);
      await waitFor(
        'the dispatch failure logged with the worker answer',
        () => Promise.resolve(output.text().includes('bootstrap token rotated') || undefined),
        20_000,
      );
    } finally {
      output.stop();
    }
    const mentioning = output.lines().filter((line) => line.includes('bootstrap token rotated'));
    expect(mentioning).toHaveLength(1);
    expect(mentioning[0]).toContain('no worker available');
    expect(mentioning[0]).toContain(`BOOM\\n${FORGED}\\r\\n`);
    expect(output.lines().some((line) => line.startsWith('[Nest] 1  - 01/01/2026'))).toBe(false);
  });
});
