import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChaconneApiError } from './chaconne-api-error';
import { JobManager } from './job-manager';

const jobKey = { clusterName: 'c', groupName: 'g', jobName: 'j', jobClassName: 'J' };
let server: Server;
let baseUrl: string;
const seen: { url: string; body: unknown; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body: JSON.parse(raw), headers: req.headers });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/job/admin/persistJob') {
        res.end(JSON.stringify({ success: true, msg: 'ok', data: 42 }));
      } else {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            success: false,
            msg: 'jobKey.jobName: is required',
            code: 'VALIDATION_FAILED',
            data: null,
            errors: [{ field: 'jobKey.jobName', reason: 'is required' }],
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('JobManager', () => {
  it('posts to /job/admin/<endpoint> with its headers and unwraps the envelope', async () => {
    const client = new JobManager({ baseUrl, headers: { authorization: 'Bearer t' } });
    const definition = { jobKey, trigger: { triggerType: 0 as const } };
    await expect(client.persistJob(definition)).resolves.toBe(42);
    expect(seen.at(-1)).toMatchObject({
      url: '/job/admin/persistJob',
      body: definition,
      headers: { authorization: 'Bearer t' },
    });
  });

  it('throws ChaconneApiError carrying status, code and field errors', async () => {
    const error = await new JobManager({ baseUrl }).selectJobLog(jobKey, 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChaconneApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      fieldErrors: [{ field: 'jobKey.jobName', reason: 'is required' }],
    });
    expect(seen.at(-1)?.body).toEqual({ jobKey, traceId: 7 });
  });

  it('reports an unreachable manager as NETWORK_ERROR', async () => {
    const error = await new JobManager({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 })
      .getJobDetail(jobKey)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});
