import { randomBytes } from 'node:crypto';
import {
  JOB_DEFINITION_LIMITS,
  MIN_SECRET_ENTROPY_BITS,
  MIN_SECRET_LENGTH,
  ProtocolLimits,
  SECRET_GENERATE_COMMAND,
  secretProblem,
} from '@chaconne/contracts';
import { isValidTimeZone } from '../modules/trigger/cron/cron-expression';

/** The manager's whole configuration, read once from the environment at boot. */
export interface ManagerConfig {
  production: boolean;
  host: string;
  port: number;
  mysqlUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key the manager writes (BullMQ queues included). */
  prefix: string;
  secret: string;
  timeZone: string;
  /** The most detailed log level written: error < warn < log < debug < verbose. */
  logLevel: LogLevelName;
  reconcileIntervalMs: number;
  heartbeatIntervalMs: number;
  fireConcurrency: number;
  dispatchTimeoutMs: number;
  /**
   * How long before its planned time a scheduled occurrence is claimed and sent; the worker
   * holds it and starts the handler on time with its own timer (0: sent when due).
   */
  dispatchLeadMs: number;
  /** How long a run every instance refuses at its concurrency limit (429) waits for a slot before it fails. */
  capacityWaitMs: number;
  /** Bootstrap admin token (stored hashed at start), or null. */
  adminToken: string | null;
  /**
   * Replace a stored bootstrap token that differs from `adminToken` (or was revoked); without
   * it, such a manager refuses to start.
   */
  rotateAdminToken: boolean;
  /** Admin requests per second allowed per token; 0 = unlimited. */
  rateLimitPerSecond: number;
  /** Log tails (tailJobLog streams) one manager serves at once. */
  logTailLimit: number;
  attachmentLimitBytes: number;
  callbackTimeoutMs: number;
  callbackRetries: number;
  /** Hosts, IPs and CIDR ranges callback URLs may reach even though they are private. */
  callbackAllowlist: string[];
  /** A recurring occurrence handled later than this after its planned time is a misfire (unless the job sets a start deadline). */
  misfireThresholdMs: number;
  /** Module paths of manager plugins (custom load balancers, termination strategies). */
  plugins: string[];
  /** SMTP server of the alert mails (`smtp://` or `smtps://`, credentials inside), or null: no alerts. */
  smtpUrl: string | null;
  /** Sender of the alert mails; set whenever `smtpUrl` is. */
  alertFrom: string | null;
  /** Copied on every alert mail (Chaconne's `mail.default.recipients`). */
  alertCc: string[];
  alertSubjectPrefix: string;
  /** At most one mail per job and event kind in this window; 0 = no throttling. */
  alertThrottleMs: number;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The levels a logger at `level` writes (fatal always). */
export function logLevelsUpTo(level: LogLevelName): ('fatal' | LogLevelName)[] {
  return ['fatal', ...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1)];
}

interface Setting {
  env: string;
  default: string | null;
  description: string;
  apply: (value: string, config: Partial<ManagerConfig>) => string | null;
}

const integer =
  (key: keyof ManagerConfig, min: number, max: number) =>
  (value: string, config: Partial<ManagerConfig>): string | null => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) return `must be an integer between ${min} and ${max}`;
    (config as Record<string, unknown>)[key] = n;
    return null;
  };

const url =
  (key: 'mysqlUrl' | 'redisUrl', protocols: string[]) =>
  (value: string, config: Partial<ManagerConfig>): string | null => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return `must be a URL like ${protocols[0] ?? ''}//host:port`;
    }
    if (!protocols.includes(parsed.protocol)) return `must use ${protocols.join(' or ')}`;
    if (key === 'mysqlUrl' && parsed.pathname.replace(/^\//, '') === '')
      return 'must name a database, e.g. /chaconne';
    config[key] = value;
    return null;
  };

/** One address, as the job's `email` field takes them (persist-job.dto.ts). */
const ADDRESS = /^[^\s@,<>"]+@[^\s@,<>"]+$/;

/** `alerts@example.com` or `Chaconne <alerts@example.com>`. */
export function isMailbox(value: string): boolean {
  const named = /^[^<>",]*<([^<>]*)>$/.exec(value);
  return ADDRESS.test(named ? (named[1] ?? '') : value);
}

/** The comma-separated addresses of `value`, blanks dropped. */
export function addressList(value: string): string[] {
  return value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/**
 * Every setting with its documented default. The README's configuration table is this
 * list; `null` means required.
 */
export const SETTINGS: readonly Setting[] = [
  {
    env: 'CHACONNE_MYSQL_URL',
    default: 'mysql://root@127.0.0.1:3306/chaconne',
    description: 'MySQL/MariaDB connection URL; the database is created if missing',
    apply: url('mysqlUrl', ['mysql:', 'mariadb:']),
  },
  {
    env: 'CHACONNE_REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis connection URL (`maxmemory-policy` must be `noeviction`)',
    apply: url('redisUrl', ['redis:', 'rediss:']),
  },
  {
    env: 'CHACONNE_HOST',
    default: '127.0.0.1',
    description: 'Interface the HTTP server binds to (`0.0.0.0` in containers)',
    apply: (value, config) => {
      config.host = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_PORT',
    default: '6543',
    description: 'HTTP port of the admin API, worker API and console',
    apply: integer('port', 0, 65535),
  },
  {
    env: 'CHACONNE_PREFIX',
    default: 'chaconne',
    description: 'Prefix of all Redis keys, BullMQ queues included (use `{chaconne}` on Redis Cluster)',
    apply: (value, config) => {
      if (!/^[A-Za-z0-9_{}.-]{1,64}$/.test(value))
        return 'may contain letters, digits, _ . - { } (1-64 chars)';
      config.prefix = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_SECRET',
    default: null,
    description: `Shared secret signing manager<->worker traffic (>= ${MIN_SECRET_LENGTH} chars, not a repeated block, >= ${MIN_SECRET_ENTROPY_BITS} bits of estimated entropy: \`${SECRET_GENERATE_COMMAND}\`). No default; \`npm start\` generates one per run`,
    apply: (value, config) => {
      const problem = secretProblem(value);
      if (problem) return problem;
      config.secret = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_TIMEZONE',
    default: 'UTC',
    description: 'Default IANA time zone of triggers that name none',
    apply: (value, config) => {
      if (!isValidTimeZone(value)) return `'${value}' is not an IANA time zone`;
      config.timeZone = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_LOG_LEVEL',
    default: 'log',
    description: `Most detailed log level written: ${LOG_LEVELS.join(', ')} (debug adds a line per job saved and per queued run)`,
    apply: (value, config) => {
      const level = LOG_LEVELS.find((l) => l === value);
      if (!level) return `must be one of ${LOG_LEVELS.join(', ')}`;
      config.logLevel = level;
      return null;
    },
  },
  {
    env: 'CHACONNE_RECONCILE_INTERVAL_MS',
    default: '10000',
    description:
      'How often a manager checks that Redis still holds the fires (a marker a flush or restart takes away); a full pass puts them back when it does not',
    apply: integer('reconcileIntervalMs', 500, 3_600_000),
  },
  {
    env: 'CHACONNE_HEARTBEAT_INTERVAL_MS',
    default: '5000',
    description: 'Worker heartbeat interval; an instance missing 3 beats is no longer chosen',
    apply: integer('heartbeatIntervalMs', 200, 600_000),
  },
  {
    env: 'CHACONNE_FIRE_CONCURRENCY',
    default: '64',
    description: 'Fires processed in parallel by one manager',
    apply: integer('fireConcurrency', 1, 10_000),
  },
  {
    env: 'CHACONNE_DISPATCH_TIMEOUT_MS',
    default: '5000',
    description: 'Timeout of one run request to a worker',
    apply: integer('dispatchTimeoutMs', 100, 600_000),
  },
  {
    env: 'CHACONNE_DISPATCH_LEAD_MS',
    default: '500',
    description:
      'How long before its planned time a scheduled run is sent to its worker, which starts the handler on time with its own timer (0 = sent when due; at most 60000). Runs sent ahead and paused, deleted or re-planned before they start are cancelled at the worker',
    apply: integer('dispatchLeadMs', 0, ProtocolLimits.maxStartInMs),
  },
  {
    env: 'CHACONNE_CAPACITY_WAIT_MS',
    default: '60000',
    description:
      "How long a run waits, launched again every second, while every instance refuses it at the job's concurrency limit (429); then it fails (0 = fails at once; at most 90000, under the sweeper's 120 s limit for runs never sent)",
    apply: integer('capacityWaitMs', 0, 90_000),
  },
  {
    env: 'CHACONNE_ADMIN_TOKEN',
    default: '',
    description: `Bootstrap admin API token (the same rule as CHACONNE_SECRET), stored hashed at start as the token \`bootstrap\`. Required in production unless tokens were created with \`chaconne-manager token create\`; in development a token is generated and printed once when none exists. A manager given another token than the stored one refuses to start unless CHACONNE_ROTATE_ADMIN_TOKEN is true`,
    apply: (value, config) => {
      const problem = value === '' ? undefined : secretProblem(value);
      if (problem) return problem;
      config.adminToken = value === '' ? null : value;
      return null;
    },
  },
  {
    env: 'CHACONNE_ROTATE_ADMIN_TOKEN',
    default: 'false',
    description:
      'true: CHACONNE_ADMIN_TOKEN replaces the stored bootstrap token (and every manager on the database accepts only the new one); false: a manager given another token refuses to start',
    apply: (value, config) => {
      if (value !== 'true' && value !== 'false') return 'must be true or false';
      config.rotateAdminToken = value === 'true';
      return null;
    },
  },
  {
    env: 'CHACONNE_RATE_LIMIT_PER_SECOND',
    default: '0',
    description: 'Admin API requests per second allowed per token (0 = no limit)',
    apply: integer('rateLimitPerSecond', 0, 1_000_000),
  },
  {
    env: 'CHACONNE_LOG_TAIL_LIMIT',
    default: '100',
    description: 'Live log tails (tailJobLog streams) one manager serves at once; more are answered 429',
    apply: integer('logTailLimit', 1, 10_000),
  },
  {
    env: 'CHACONNE_ATTACHMENT_LIMIT_BYTES',
    default: '65536',
    description: 'Largest job attachment accepted (larger: 413)',
    apply: integer('attachmentLimitBytes', 1, JOB_DEFINITION_LIMITS.maxAttachmentBytes),
  },
  {
    env: 'CHACONNE_CALLBACK_TIMEOUT_MS',
    default: '10000',
    description: 'Timeout of one HTTP callback of an xcron task',
    apply: integer('callbackTimeoutMs', 100, 600_000),
  },
  {
    env: 'CHACONNE_CALLBACK_RETRIES',
    default: '2',
    description: 'Extra attempts of a failed HTTP callback (network error or 5xx)',
    apply: integer('callbackRetries', 0, 10),
  },
  {
    env: 'CHACONNE_CALLBACK_ALLOWLIST',
    default: '',
    description:
      'Comma-separated hosts, IPs or CIDR ranges callbacks may reach although private/loopback (default: none)',
    apply: (value, config) => {
      const entries = value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      const bad = entries.filter((e) => !/^[A-Za-z0-9.*:-]+(\/\d{1,3})?$/.test(e));
      if (bad.length > 0) return `not a host, IP or CIDR: ${bad.join(', ')}`;
      config.callbackAllowlist = entries;
      return null;
    },
  },
  {
    env: 'CHACONNE_MISFIRE_THRESHOLD_MS',
    default: '5000',
    description:
      "A recurring occurrence that cannot start this long after its planned time is a misfire, handled by the job's misfire policy (a job's startDeadlineSeconds overrides it)",
    apply: integer('misfireThresholdMs', 100, 86_400_000),
  },
  {
    env: 'CHACONNE_PLUGINS',
    default: '',
    description:
      'Comma-separated module paths of manager plugins exporting `loadBalancers` and/or `terminationStrategies` (see README)',
    apply: (value, config) => {
      config.plugins = value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      return null;
    },
  },
  {
    env: 'CHACONNE_SMTP_URL',
    default: '',
    description:
      'SMTP server of the alert mails, e.g. `smtps://user:pass@smtp.example.com:465` or `smtp://host:587` (STARTTLS when offered); empty = no alerts',
    apply: (value, config) => {
      config.smtpUrl = null;
      if (value === '') return null;
      // The messages never echo the value: it carries the SMTP password.
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        return 'must be a URL like smtp://user:pass@host:587 or smtps://user:pass@host:465';
      }
      if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') return 'must use smtp: or smtps:';
      if (parsed.hostname === '') return 'must name a host';
      config.smtpUrl = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_ALERT_FROM',
    default: '',
    description:
      'Sender of the alert mails (`alerts@example.com` or `Chaconne <alerts@example.com>`); required with `CHACONNE_SMTP_URL`',
    apply: (value, config) => {
      config.alertFrom = null;
      // CHACONNE_SMTP_URL comes earlier in this list, so config.smtpUrl is already known.
      if (value === '') return config.smtpUrl ? 'is required when CHACONNE_SMTP_URL is set' : null;
      if (!isMailbox(value)) return 'must be an address like alerts@example.com or Name <alerts@example.com>';
      config.alertFrom = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_ALERT_CC',
    default: '',
    description: 'Comma-separated addresses copied on every alert mail (default: none)',
    apply: (value, config) => {
      const entries = addressList(value);
      const bad = entries.filter((e) => !ADDRESS.test(e));
      if (bad.length > 0) return `not an address: ${bad.join(', ')}`;
      config.alertCc = entries;
      return null;
    },
  },
  {
    env: 'CHACONNE_ALERT_SUBJECT_PREFIX',
    default: '[Chaconne]',
    description: 'Start of the subject of every alert mail',
    apply: (value, config) => {
      if (value.length > 100 || /[\u0000-\u001f\u007f]/.test(value))
        return 'must be at most 100 characters, without control characters';
      config.alertSubjectPrefix = value;
      return null;
    },
  },
  {
    env: 'CHACONNE_ALERT_THROTTLE_MS',
    default: '60000',
    description:
      'At most one alert mail per job and event kind in this window; the next one counts those suppressed (0 = no throttling)',
    apply: integer('alertThrottleMs', 0, 86_400_000),
  },
];

export type ConfigResult = { ok: true; config: ManagerConfig } | { ok: false; errors: string[] };

/** Reads and validates the configuration; collects every bad key instead of stopping at the first. */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const production = env.NODE_ENV === 'production';
  const config: Partial<ManagerConfig> = { production };
  const errors: string[] = [];
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    const value = raw === undefined || raw.trim() === '' ? setting.default : raw.trim();
    if (value === null) {
      errors.push(`${setting.env}: is required (${setting.description})`);
      continue;
    }
    const problem = setting.apply(value, config);
    if (problem) errors.push(`${setting.env}: ${problem}`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: config as ManagerConfig };
}

/**
 * The configuration of a command that never signs a request (`migrate`, `token`): without
 * CHACONNE_SECRET a random stand-in fills it, so operators need not hand the secret to a
 * database task; a secret that is set is still checked.
 */
export function loadConfigWithoutSecret(env: NodeJS.ProcessEnv): ConfigResult {
  const secret = env.CHACONNE_SECRET?.trim() ? env.CHACONNE_SECRET : randomBytes(32).toString('hex');
  return loadConfig({ ...env, CHACONNE_SECRET: secret });
}

export const MANAGER_CONFIG = Symbol('MANAGER_CONFIG');
