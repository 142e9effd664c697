import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tearDown, newStack, type ProcessHandle, REPO_ROOT, startManager } from '../support/processes';

/**
 * How a real manager serves its console (HTTP only, no browser): the page for every client
 * route with a fresh CSP nonce, hashed files cached for a year, a JSON 404 for a missing
 * file, and nothing outside the console's folder whatever the path says.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
/** The built console the manager serves (npm run build puts it there). */
const CONSOLE_DIR = join(REPO_ROOT, 'apps', 'manager', 'console');
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
];

beforeAll(async () => {
  manager = await startManager(stack);
}, 90_000);

afterAll(async () => {
  await tearDown(stack, manager);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path exactly as given (fetch would resolve `..` before sending it). */
function rawRequest(path: string, method = 'GET'): Promise<Answer> {
  const { hostname, port } = new URL(manager.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function header(answer: Answer, name: string): string {
  const value = answer.headers[name];
  if (typeof value !== 'string') throw new Error(`no ${name} header (${String(value)})`);
  return value;
}

/** The nonce of a page answer: the same in its CSP header and in its csp-nonce meta element. */
function nonceOf(answer: Answer): string {
  const fromPolicy = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(
    header(answer, 'content-security-policy'),
  )?.[1];
  const fromPage = /<meta name="csp-nonce" content="([^"]*)"/.exec(answer.body.toString())?.[1];
  expect(fromPolicy).toBeDefined();
  expect(fromPage).toBe(fromPolicy);
  return fromPolicy ?? '';
}

/** The hashed files index.html loads. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
}

function expectHardened(answer: Answer): void {
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['referrer-policy']).toBe('no-referrer');
}

describe('the console page', () => {
  it.each([
    '/console',
    '/console/',
    '/console/jobs/a/b/c/d',
    '/console/runs/12',
    '/console/jobs?state=PAUSED',
  ])('GET %s answers index.html, revalidated on every load, under the strict policy', async (path) => {
    const answer = await rawRequest(path);
    expect(answer.status).toBe(200);
    expect(header(answer, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(answer, 'cache-control')).toBe('no-cache');
    const page = answer.body.toString();
    expect(page).toContain('<title>Chaconne console</title>');
    expect(page).not.toContain('__CSP_NONCE__');
    const policy = header(answer, 'content-security-policy');
    const directives = policy.split(/;\s*/);
    expect(directives).toEqual(expect.arrayContaining(PAGE_POLICY));
    // Nothing looser: no inline or eval'd script anywhere in the policy.
    expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
    nonceOf(answer);
    expectHardened(answer);
    expect(answer.headers['x-frame-options']).toBe('DENY');
  });

  it('has a fresh nonce in every answer', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) nonces.add(nonceOf(await rawRequest('/console/')));
    expect(nonces.size).toBe(5);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });

  it('loads no script inline: every script of the page is a file of the console', async () => {
    const page = (await rawRequest('/console/')).body.toString();
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/src="\/console\/assets\/[^"]+\.js"/);
      expect(content?.trim()).toBe('');
    }
  });

  it('answers HEAD on the page and a client route with the headers of GET and no body', async () => {
    for (const path of ['/console/', '/console/runs/12']) {
      const head = await rawRequest(path, 'HEAD');
      expect(head.status).toBe(200);
      expect(header(head, 'content-type')).toBe('text/html; charset=utf-8');
      expect(header(head, 'cache-control')).toBe('no-cache');
      expect(header(head, 'content-security-policy')).toContain("script-src 'self'");
      expect(head.body).toHaveLength(0);
    }
  });
});

describe('the console files', () => {
  it('serves each hashed file of the page as built, with its type, cached for a year', async () => {
    const paths = assetPaths((await rawRequest('/console/')).body.toString());
    expect(paths).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.js$/), expect.stringMatching(/\.css$/)]),
    );
    for (const path of paths) {
      const answer = await rawRequest(`/console/${path}`);
      expect([path, answer.status]).toEqual([path, 200]);
      expect(header(answer, 'cache-control')).toBe('public, max-age=31536000, immutable');
      expect(header(answer, 'content-type')).toBe(
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      expect(answer.body.equals(readFileSync(join(CONSOLE_DIR, path)))).toBe(true);
      expectHardened(answer);

      const head = await rawRequest(`/console/${path}`, 'HEAD');
      expect([head.status, head.body.length]).toEqual([200, 0]);
      expect(header(head, 'content-length')).toBe(String(answer.body.length));
      expect(header(head, 'cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  it.each([
    '/console/assets/missing-0000.js',
    '/console/assets/index.html',
    '/console/assets',
    '/console/assets/',
  ])('answers a JSON 404 for %s, never the page', async (path) => {
    const answer = await rawRequest(path);
    expect(answer.status).toBe(404);
    expect(header(answer, 'content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ success: false, code: 'NOT_FOUND' });
    expect(answer.headers['cache-control']).toBeUndefined();
  });

  it.each([
    '/console/assets/../../package.json',
    '/console/assets/..%2F..%2Fpackage.json',
    '/console/assets/%2e%2e/%2e%2e/package.json',
    '/console/assets/..%5C..%5Cpackage.json',
    '/console/..%2F..%2Fpackage.json',
    '/console/%2e%2e/%2e%2e/package.json',
    '/console/assets/%2e%2e/%2e%2e/dist/main.js',
    '/console/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  ])('never answers a file outside the console for %s', async (path) => {
    const answer = await rawRequest(path);
    const body = answer.body.toString();
    // Either refused, or the console page (a client route the console's router calls unknown).
    const outcome =
      answer.status === 200 && body.includes('<title>Chaconne console</title>') ? 'page' : answer.status;
    expect(outcome === 'page' || outcome >= 400).toBe(true);
    expect(body).not.toContain('"@chaconne/manager"');
    expect(body).not.toContain('root:');
    expect(body).not.toContain('NestFactory');
  });
});

describe('the API next to it', () => {
  it('answers JSON with no sniffing, no referrer and a policy that loads nothing', async () => {
    const answer = await rawRequest('/job/admin/selectClusterNames');
    expect(answer.status).toBe(401);
    expectHardened(answer);
    expect(header(answer, 'content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
