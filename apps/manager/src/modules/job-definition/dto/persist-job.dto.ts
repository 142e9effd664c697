import type { FieldError, ResolvedRunPolicy } from '@chaconne/contracts';
import { jobDefinitionSchema, type jobKeySchema, runPolicyFields } from '@chaconne/contracts/definition';
import { z } from 'zod';
import { type Checked, partCheck, type PartCheck } from '../../../common/validation';
import type { KnownExtensions } from '../../policy/manager-plugins';
import { resolveRunPolicy } from './run-policy.dto';
import { type TriggerCommand, toTriggerCommand, triggerPart } from './trigger.dto';

/**
 * The body of persistJob: the job definition of @chaconne/contracts/definition (Chaconne's
 * JobPersistParameter plus the run policy; unknown fields refused), whose every rule the SDK
 * and the client apply too. The checks only a manager can make (time zone, cron syntax, dates
 * against its clock, plugins it knows, its attachment limit) follow in {@link toPersistCommand}.
 */
export const persistJobSchema = jobDefinitionSchema;

export type PersistJobBody = z.output<typeof persistJobSchema>;
export type JobKeyBody = z.output<typeof jobKeySchema>;

/** A validated, normalised persistJob request. */
export interface PersistJobCommand {
  jobKey: JobKeyBody;
  /** Who runs the job; persistJob always creates `worker` jobs, xcron tasks are `http`. */
  executor: 'worker' | 'http';
  /** Serial upstream jobs (stored; running on their completion is not implemented yet). */
  dependentKeys: JobKeyBody[];
  /** Fork/join children (stored; fork/join execution is not implemented yet). */
  forkKeys: JobKeyBody[];
  completionRate: number;
  description: string;
  email: string;
  retries: number;
  timeout: number;
  weight: number;
  attachment: string | null;
  runPolicy: ResolvedRunPolicy;
  trigger: TriggerCommand;
}

export type FieldProblem = FieldError;

const NO_EXTENSIONS: KnownExtensions = { loadBalancers: new Set(), terminationStrategies: new Set() };

/** Checks and normalises a whole persistJob body; answers every problem found, or the command. */
export function toPersistCommand(
  body: PersistJobBody,
  defaultTimeZone: string,
  now: number = Date.now(),
  known: KnownExtensions = NO_EXTENSIONS,
): Checked<PersistJobCommand> {
  const problems: FieldProblem[] = [];
  const dependentKeys = body.dependentKeys ?? [];
  const forkKeys = body.forkKeys ?? [];
  const trigger = toTriggerCommand(body.trigger, defaultTimeZone, now);
  if ('problems' in trigger) problems.push(...trigger.problems);
  const policy = resolveRunPolicy(body, known);
  if ('problems' in policy) problems.push(...policy.problems);
  if (problems.length > 0 || !('value' in trigger) || !('policy' in policy)) return { problems };
  return {
    value: {
      jobKey: body.jobKey,
      executor: 'worker',
      dependentKeys,
      forkKeys,
      completionRate: body.completionRate ?? -1,
      description: body.description ?? '',
      email: (body.email ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
        .join(','),
      retries: body.retries ?? 0,
      // Chaconne's timeout 0 meant "don't wait, count as success"; here it means no timeout.
      timeout: body.timeout && body.timeout > 0 ? body.timeout : -1,
      weight: body.weight ?? 100,
      attachment: body.attachment ?? null,
      runPolicy: policy.policy,
      trigger: trigger.value,
    },
  };
}

/**
 * The checks of {@link toPersistCommand} on the parts of a body the schema refused elsewhere:
 * a well-formed trigger is still checked (cron, zone, dates) when, say, the JobKey is bad.
 */
export function persistJobParts(defaultTimeZone: string, now: number, known: KnownExtensions): PartCheck[] {
  return [
    triggerPart(defaultTimeZone, now),
    partCheck(z.object(runPolicyFields), (policy) => {
      const resolved = resolveRunPolicy(policy, known);
      return 'problems' in resolved ? resolved.problems : [];
    }),
  ];
}
