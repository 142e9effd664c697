import type { SchedulingUnit, TriggerType } from './enums';
import type { JobKey } from './job-key';
import type { RunPolicy } from './run-policy';

export interface CronTriggerDescription {
  /** Quartz expression (6 or 7 fields, seconds first) or Unix expression (5 fields). */
  expression: string;
}

export interface PeriodicTriggerDescription {
  period: number;
  schedulingUnit: SchedulingUnit;
  /** true: fixed rate; false: fixed delay measured from the end of the previous run. */
  fixedRate: boolean;
}

export interface TriggerDescription {
  cron?: CronTriggerDescription | null;
  periodic?: PeriodicTriggerDescription | null;
}

/**
 * A date on the wire: epoch milliseconds, an ISO-8601 string, or Chaconne's
 * `yyyy-MM-dd HH:mm:ss` (read in the trigger's time zone).
 */
export type WireDate = number | string;

export interface TriggerDefinition {
  triggerType: TriggerType;
  triggerDescription?: TriggerDescription | null;
  startDate?: WireDate | null;
  endDate?: WireDate | null;
  /** Maximum number of runs; -1 = unlimited. */
  repeatCount?: number | null;
  /** IANA time zone for cron evaluation and wall-clock dates; defaults to the manager's. */
  timeZone?: string | null;
}

/**
 * The body of `POST /job/admin/persistJob` (Chaconne's JobPersistParameter), plus the
 * optional run-policy fields (cluster mode, load balancer, overlap, misfire, ...).
 */
export interface JobPersistParameter extends RunPolicy {
  jobKey: JobKey;
  description?: string | null;
  /** Comma-separated alert recipients. */
  email?: string | null;
  retries?: number | null;
  /** Milliseconds; -1 = no timeout. */
  timeout?: number | null;
  weight?: number | null;
  dependentKeys?: JobKey[] | null;
  forkKeys?: JobKey[] | null;
  completionRate?: number | null;
  trigger: TriggerDefinition;
  /** The job's initial parameter, passed to the handler as `attachment` (JSON recommended). */
  attachment?: string | null;
}
