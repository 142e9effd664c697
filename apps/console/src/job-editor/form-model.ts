import {
  DEFAULT_RUN_POLICY,
  type JobKey,
  type JobPersistParameter,
  type TriggerDefinition,
  TriggerType,
} from '@chaconne/contracts';
import { wallClockFromWire, wallClockToWire } from './wall-clock';

/** A number input's value: a number, or '' when left blank. */
export type NumberValue = number | string;

/**
 * The editor's form: every field of persistJob as an input holds it (text, numbers that may
 * be blank, checkboxes). {@link toBody} makes the request body of it; {@link fromBody} reads a
 * body back (the JSON view), so the two stay in sync.
 */
export interface JobForm {
  clusterName: string;
  groupName: string;
  jobName: string;
  jobClassName: string;
  description: string;
  email: string;
  triggerType: string;
  cron: string;
  period: NumberValue;
  schedulingUnit: string;
  fixedRate: boolean;
  timeZone: string;
  /** `datetime-local` values, read in the trigger's time zone. */
  startDate: string;
  endDate: string;
  repeatCount: NumberValue;
  retries: NumberValue;
  backoffPolicy: string;
  backoffDelayMs: NumberValue;
  backoffMaxDelayMs: NumberValue;
  backoffJitter: boolean;
  timeout: NumberValue;
  weight: NumberValue;
  clusterMode: string;
  loadBalancer: string;
  hashKey: string;
  /** One `name=value` per line. */
  labels: string;
  overlapPolicy: string;
  misfirePolicy: string;
  startDeadlineSeconds: NumberValue;
  maxConsecutiveFailures: NumberValue;
  freezeAfterTimeouts: NumberValue;
  terminationStrategy: string;
  /** JSON arrays of job keys. */
  dependentKeys: string;
  forkKeys: string;
  completionRate: NumberValue;
  attachment: string;
}

const policy = DEFAULT_RUN_POLICY;

/** A new job: a cron trigger every five minutes in the browser's time zone, the manager's defaults elsewhere. */
export function newJobForm(): JobForm {
  return {
    clusterName: '',
    groupName: '',
    jobName: '',
    jobClassName: '',
    description: '',
    email: '',
    triggerType: String(TriggerType.CRON),
    cron: '0 0/5 * * * ?',
    period: 5,
    schedulingUnit: '1',
    fixedRate: false,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    startDate: '',
    endDate: '',
    repeatCount: '',
    retries: 0,
    backoffPolicy: policy.retryBackoff.policy,
    backoffDelayMs: policy.retryBackoff.delayMs,
    backoffMaxDelayMs: policy.retryBackoff.maxDelayMs,
    backoffJitter: policy.retryBackoff.jitter,
    timeout: '',
    weight: 100,
    clusterMode: policy.clusterMode,
    loadBalancer: policy.loadBalancer,
    hashKey: '',
    labels: '',
    overlapPolicy: policy.overlapPolicy,
    misfirePolicy: policy.misfirePolicy,
    startDeadlineSeconds: '',
    maxConsecutiveFailures: policy.maxConsecutiveFailures,
    freezeAfterTimeouts: policy.freezeAfterTimeouts,
    terminationStrategy: '',
    dependentKeys: '',
    forkKeys: '',
    completionRate: '',
    attachment: '',
  };
}

/** Problems found before sending, by the manager's field path. */
export type Problems = Record<string, string>;

const blank = (v: NumberValue) => typeof v === 'string' && v.trim() === '';
/** A number input's value for the body: blank -> `fallback`; text that is no number is sent as it is (the manager says why). */
const num = (v: NumberValue, fallback: number | undefined): number | string | undefined =>
  blank(v) ? fallback : typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : v;
const text = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

function parseLabels(lines: string, problems: Problems): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  lines.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    if (at <= 0) problems.labels = `line ${i + 1}: write name=value`;
    else labels[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return Object.keys(labels).length > 0 ? labels : undefined;
}

function parseKeys(json: string, field: string, problems: Problems): JobKey[] | undefined {
  if (json.trim() === '') return undefined;
  try {
    const keys: unknown = JSON.parse(json);
    if (Array.isArray(keys)) return keys as JobKey[];
    problems[field] = 'must be a JSON array of job keys';
  } catch (error) {
    problems[field] = `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

function toTrigger(f: JobForm): TriggerDefinition {
  const type = Number(f.triggerType) as TriggerType;
  const zone = text(f.timeZone);
  const trigger = {
    triggerType: type,
    triggerDescription:
      type === TriggerType.CRON
        ? { cron: { expression: f.cron.trim() } }
        : type === TriggerType.PERIODIC
          ? {
              periodic: {
                period: num(f.period, 0) as number,
                schedulingUnit: Number(f.schedulingUnit) as 0,
                fixedRate: f.fixedRate,
              },
            }
          : undefined,
    startDate: wallClockToWire(f.startDate),
    endDate: wallClockToWire(f.endDate),
    repeatCount: num(f.repeatCount, -1) as number,
    timeZone: zone,
  };
  return JSON.parse(JSON.stringify(trigger)) as TriggerDefinition;
}

/** The persistJob body of a form, and what is wrong with it before it is sent. */
export function toBody(f: JobForm): { body: JobPersistParameter; problems: Problems } {
  const problems: Problems = {};
  const body = {
    jobKey: {
      clusterName: f.clusterName.trim(),
      groupName: f.groupName.trim(),
      jobName: f.jobName.trim(),
      jobClassName: f.jobClassName.trim(),
    },
    description: f.description,
    email: text(f.email),
    retries: num(f.retries, 0),
    timeout: num(f.timeout, -1),
    weight: num(f.weight, undefined),
    dependentKeys: parseKeys(f.dependentKeys, 'dependentKeys', problems),
    forkKeys: parseKeys(f.forkKeys, 'forkKeys', problems),
    completionRate: num(f.completionRate, undefined),
    trigger: toTrigger(f),
    attachment: f.attachment.trim() === '' ? null : f.attachment,
    clusterMode: text(f.clusterMode),
    loadBalancer: text(f.loadBalancer),
    hashKey: text(f.hashKey),
    labels: parseLabels(f.labels, problems),
    retryBackoff: text(f.backoffPolicy)
      ? {
          policy: f.backoffPolicy,
          delayMs: num(f.backoffDelayMs, 0),
          maxDelayMs: num(f.backoffMaxDelayMs, undefined),
          jitter: f.backoffJitter,
        }
      : undefined,
    overlapPolicy: text(f.overlapPolicy),
    misfirePolicy: text(f.misfirePolicy),
    startDeadlineSeconds: num(f.startDeadlineSeconds, undefined),
    maxConsecutiveFailures: num(f.maxConsecutiveFailures, undefined),
    terminationStrategy: text(f.terminationStrategy),
    freezeAfterTimeouts: num(f.freezeAfterTimeouts, undefined),
  };
  if (f.attachment.trim() !== '') {
    try {
      JSON.parse(f.attachment);
    } catch (error) {
      problems.attachment = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  // Undefined fields are left out: the manager applies its defaults.
  return { body: JSON.parse(JSON.stringify(body)) as JobPersistParameter, problems };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
const numIn = (v: unknown, none?: number): NumberValue =>
  typeof v === 'number' ? (v === none ? '' : v) : typeof v === 'string' ? v : '';
const keysText = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? JSON.stringify(v, null, 2) : '');

/**
 * The form of a body (the JSON view, a loaded job). What a body leaves out is blank, so the
 * manager's default applies, as it would to the body itself.
 */
export function fromBody(body: Record<string, unknown>): JobForm {
  const key = isRecord(body.jobKey) ? body.jobKey : {};
  const trigger = isRecord(body.trigger) ? body.trigger : {};
  const description = isRecord(trigger.triggerDescription) ? trigger.triggerDescription : {};
  const cron = isRecord(description.cron) ? description.cron : {};
  const periodic = isRecord(description.periodic) ? description.periodic : {};
  const backoff = isRecord(body.retryBackoff) ? body.retryBackoff : {};
  const labels = isRecord(body.labels) ? body.labels : {};
  const zone = str(trigger.timeZone);
  return {
    clusterName: str(key.clusterName),
    groupName: str(key.groupName),
    jobName: str(key.jobName),
    jobClassName: str(key.jobClassName),
    description: str(body.description),
    email: str(body.email),
    triggerType: str(trigger.triggerType),
    cron: str(cron.expression),
    period: numIn(periodic.period),
    schedulingUnit: str(periodic.schedulingUnit, '1'),
    fixedRate: periodic.fixedRate === true,
    timeZone: zone,
    startDate: wallClockFromWire(trigger.startDate, zone),
    endDate: wallClockFromWire(trigger.endDate, zone),
    repeatCount: numIn(trigger.repeatCount, -1),
    retries: numIn(body.retries),
    backoffPolicy: str(backoff.policy),
    backoffDelayMs: numIn(backoff.delayMs),
    backoffMaxDelayMs: numIn(backoff.maxDelayMs),
    backoffJitter: backoff.jitter !== false,
    timeout: numIn(body.timeout, -1),
    weight: numIn(body.weight),
    clusterMode: str(body.clusterMode),
    loadBalancer: str(body.loadBalancer),
    hashKey: str(body.hashKey),
    labels: Object.entries(labels)
      .map(([name, value]) => `${name}=${str(value)}`)
      .join('\n'),
    overlapPolicy: str(body.overlapPolicy),
    misfirePolicy: str(body.misfirePolicy),
    startDeadlineSeconds: numIn(body.startDeadlineSeconds),
    maxConsecutiveFailures: numIn(body.maxConsecutiveFailures),
    freezeAfterTimeouts: numIn(body.freezeAfterTimeouts),
    terminationStrategy: str(body.terminationStrategy),
    dependentKeys: keysText(body.dependentKeys),
    forkKeys: keysText(body.forkKeys),
    completionRate: numIn(body.completionRate, -1),
    attachment: str(body.attachment),
  };
}
