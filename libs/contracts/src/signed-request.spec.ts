import { Agent, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MANAGER_RECIPIENT,
  MIN_SECRET_LENGTH,
  postSigned,
  SignatureDirection,
  verifyRequest,
} from './signing';

/** postSigned against a real local HTTP server. */
const secret = 's'.repeat(MIN_SECRET_LENGTH);
const agent = new Agent({ keepAlive: true });
let server: Server;
let baseUrl: string;
const received: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/silent') return; // never answers
      res.writeHead(req.url === '/refuse' ? 409 : 202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
  postSigned({
    baseUrl,
    path,
    direction: SignatureDirection.WORKER_TO_MANAGER,
    recipient: MANAGER_RECIPIENT,
    body: '{"runId":7}',
    secret,
    headers: { 'content-type': 'application/json' },
    agent,
    timeoutMs: extra.timeoutMs ?? 2_000,
    ...(extra.signal ? { signal: extra.signal } : {}),
  });

it('sends the body to its path, signed for that path, recipient and direction, and answers the status and text of any answer', async () => {
  expect(await post('/ok')).toEqual({ status: 202, text: '{"ok":true}' });
  expect(await post('/refuse')).toEqual({ status: 409, text: '{"ok":true}' });
  const last = received[received.length - 1];
  expect(last?.url).toBe('/refuse');
  expect(last?.body).toBe('{"runId":7}');
  expect(last?.headers['content-length']).toBe('11');
  const as = (path: string, recipient = MANAGER_RECIPIENT) =>
    verifyRequest(
      secret,
      { direction: SignatureDirection.WORKER_TO_MANAGER, method: 'POST', path, recipient },
      last?.headers ?? {},
      last?.body ?? '',
    ).ok;
  expect(as('/refuse')).toBe(true);
  expect(as('/ok')).toBe(false);
  expect(as('/refuse', 'orders-1')).toBe(false);
});

it('rejects with the reason when there is no answer: refused, timed out, aborted', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await expect(
    postSigned({
      baseUrl: `http://127.0.0.1:${port}`,
      path: '/x',
      direction: SignatureDirection.MANAGER_TO_WORKER,
      recipient: 'orders-1',
      body: '{}',
      secret,
      headers: {},
      agent,
      timeoutMs: 1_000,
    }),
  ).rejects.toThrow('ECONNREFUSED');
  await expect(post('/silent', { timeoutMs: 100 })).rejects.toThrow('timed out after 100 ms');
  const controller = new AbortController();
  const pending = post('/silent', { signal: controller.signal });
  setTimeout(() => {
    controller.abort();
  }, 50);
  await expect(pending).rejects.toThrow('aborted');
});
