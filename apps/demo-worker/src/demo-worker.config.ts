import { isIP, type AddressInfo } from 'node:net';
import { MIN_SECRET_LENGTH } from '@chaconne/contracts';
import type { ChaconneWorkerOptions } from '@chaconne/worker';

/** The demo worker's configuration, read once from the environment at start-up. */
export interface DemoWorkerConfig {
  /** `DEMO_WORKER_PORT` (default 8088; 0 picks a free port). */
  port: number;
  /**
   * `DEMO_WORKER_HOST` (default `127.0.0.1`): the address the HTTP server binds to. Loopback by
   * default, so the demo is not reachable from other hosts; `0.0.0.0` (or `::`) binds every
   * interface, as in the container.
   */
  host: string;
  /** `CHACONNE_MANAGER_URL` (default `http://127.0.0.1:6543`). */
  managerUrl: string;
  /** `CHACONNE_SECRET` (required): the secret shared with the manager. */
  secret: string;
  /**
   * `CHACONNE_WORKER_BASE_URL`: where the manager reaches this worker. When unset and the worker binds
   * one address on a fixed port, that address (`http://127.0.0.1:8088` by default); when it binds every
   * interface or port 0, undefined: the SDK detects the host's address.
   */
  baseUrl: string | undefined;
  clusterName: string;
  /** `demo-worker` for the Nest app; each extra runtime sets its own. */
  groupName: string;
  /** `DEMO_HELLO_PERIOD_SECONDS` (default 15): HelloWorldJob's period, a schedule kept in code. */
  helloPeriodSeconds: number;
  /**
   * `DEMO_WORKER_LABELS` (default none): this instance's labels as comma-separated
   * `key=value` pairs, e.g. `region=eu,tier=gold`; a job whose run policy lists `labels`
   * runs only on instances carrying all of them.
   */
  labels: Record<string, string>;
  /**
   * `DEMO_WORKER_WEIGHT` (default 1): an integer 1-1000, this instance's share under the
   * WEIGHTED_RANDOM and WEIGHTED_ROUND_ROBIN load balancers.
   */
  weight: number;
}

/** Injection token of {@link DemoWorkerConfig}. */
export const DEMO_WORKER_CONFIG = Symbol('DEMO_WORKER_CONFIG');

export class DemoWorkerConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid demo-worker configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DemoWorkerConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A set-but-empty variable counts as unset. */
function read(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value === '' ? undefined : value;
}

function httpUrl(env: Env, key: string, problems: string[], fallback?: string): string | undefined {
  const value = read(env, key) ?? fallback;
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(`${key} must be an http(s) URL (got "${value}")`);
  return undefined;
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::']);

/** `http://host:port`, IPv6 addresses in brackets. */
function urlOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** The URL of the address a server really listens on (e.g. `http://127.0.0.1:8088`). */
export function listeningUrl(address: AddressInfo): string {
  return urlOf(address.address, address.port);
}

/** `region=eu,tier=gold` -> `{ region: 'eu', tier: 'gold' }`; a malformed pair is a problem. */
function parseLabels(env: Env, problems: string[]): Record<string, string> {
  const raw = read(env, 'DEMO_WORKER_LABELS');
  const parsed = new Map<string, string>();
  for (const pair of raw?.split(',') ?? []) {
    const [key = '', value, ...rest] = pair.split('=').map((part) => part.trim());
    if (key === '' || value === undefined || value === '' || rest.length > 0) {
      problems.push(
        `DEMO_WORKER_LABELS must be comma-separated key=value pairs (got "${pair.trim()}" in "${raw}")`,
      );
    } else if (parsed.has(key)) {
      problems.push(`DEMO_WORKER_LABELS names the label "${key}" twice`);
    } else {
      parsed.set(key, value);
    }
  }
  return Object.fromEntries(parsed);
}

/** Validates the environment; every bad key is listed in one {@link DemoWorkerConfigError}. */
export function parseDemoWorkerConfig(env: Env): DemoWorkerConfig {
  const problems: string[] = [];
  const rawPort = read(env, 'DEMO_WORKER_PORT') ?? '8088';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) {
    problems.push(`DEMO_WORKER_PORT must be an integer between 0 and 65535 (got "${rawPort}")`);
  }
  const host = read(env, 'DEMO_WORKER_HOST') ?? '127.0.0.1';
  if (isIP(host) === 0) {
    problems.push(
      `DEMO_WORKER_HOST must be an IP address to bind to, e.g. 127.0.0.1 or 0.0.0.0 (got "${host}")`,
    );
  }
  const rawHello = read(env, 'DEMO_HELLO_PERIOD_SECONDS') ?? '15';
  const helloPeriodSeconds = Number(rawHello);
  if (!/^\d+$/.test(rawHello) || helloPeriodSeconds < 5 || helloPeriodSeconds > 86_400) {
    problems.push(`DEMO_HELLO_PERIOD_SECONDS must be an integer between 5 and 86400 (got "${rawHello}")`);
  }
  const rawWeight = read(env, 'DEMO_WORKER_WEIGHT') ?? '1';
  const weight = Number(rawWeight);
  if (!Number.isInteger(weight) || weight < 1 || weight > 1000) {
    problems.push(`DEMO_WORKER_WEIGHT must be an integer from 1 to 1000 (got "${rawWeight}")`);
  }
  const labels = parseLabels(env, problems);
  const managerUrl = httpUrl(env, 'CHACONNE_MANAGER_URL', problems, 'http://127.0.0.1:6543');
  const baseUrl =
    httpUrl(env, 'CHACONNE_WORKER_BASE_URL', problems) ??
    (EVERY_INTERFACE.has(host) || port === 0 ? undefined : urlOf(host, port));
  const secret = env.CHACONNE_SECRET ?? '';
  if (secret === '') {
    problems.push(
      `CHACONNE_SECRET is required: the secret shared with the manager (at least ${MIN_SECRET_LENGTH} characters)`,
    );
  } else if (secret.length < MIN_SECRET_LENGTH) {
    problems.push(`CHACONNE_SECRET must be at least ${MIN_SECRET_LENGTH} characters (got ${secret.length})`);
  }
  if (problems.length > 0 || managerUrl === undefined) throw new DemoWorkerConfigError(problems);
  return {
    port,
    host,
    managerUrl,
    secret,
    baseUrl,
    clusterName: 'demo-cluster',
    groupName: 'demo-worker',
    helloPeriodSeconds,
    labels,
    weight,
  };
}

/**
 * The one place the demo reads `process.env`. On bad configuration it prints every
 * problem and exits with status 1.
 */
export function loadDemoWorkerConfig(): DemoWorkerConfig {
  try {
    return parseDemoWorkerConfig(process.env);
  } catch (error) {
    if (!(error instanceof DemoWorkerConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** The worker options every demo runtime passes to the SDK. */
export function demoWorkerOptions(config: DemoWorkerConfig): ChaconneWorkerOptions {
  return {
    managerUrl: config.managerUrl,
    secret: config.secret,
    clusterName: config.clusterName,
    groupName: config.groupName,
    labels: config.labels,
    weight: config.weight,
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
  };
}
