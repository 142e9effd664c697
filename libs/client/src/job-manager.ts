import {
  type ErrorCode,
  type JobDetail,
  type JobKey,
  type JobLog,
  type JobLogTailEvent,
  type JobPersistParameter,
  type JobRuntimeDetail,
  type JobStackTrace,
  type JobTrace,
  type JobTraceDetail,
  type JobTraceWithKey,
  type JobTriggerDetail,
  type Page,
  type TriggerDefinition,
  type WorkerOverview,
} from '@chaconne/contracts';
import { ChaconneApiError } from './chaconne-api-error';
import type { DependencyType, JobState, RunningState } from './enums';
import { attachmentText, JobDefinitionBuilder } from './generic-job-definition';
import { TriggerBuilder } from './generic-trigger';
import { readEventStream } from './event-stream';
import { type ClientOptions, fieldErrorsOf, isRecord, Transport } from './transport';
import type {
  Attachment,
  DateInput,
  JobDetailPageQuery,
  JobKeyQuery,
  JobStat,
  JobStatByJob,
  JobStatDetail,
  JobStatPageQuery,
  JobStatQuery,
  JobStateCount,
  JobStateCountQuery,
  JobTracePageQuery,
  JobHistoryRecord,
  RunPageQuery,
  TailOptions,
  TriggerJobOptions,
  TriggerPreview,
  WorkerQuery,
} from './types';
import { XcronClient } from './xcron-client';

export type JobManagerOptions = ClientOptions;

/**
 * Typed client of the manager's admin API (Chaconne's `JobManager`): one method per endpoint
 * of `/job/admin/*`, answering the envelope's `data`. Failures throw {@link ChaconneApiError}
 * with the HTTP status, the manager's stable `code`, the field errors and the `details`
 * (e.g. `details.jobState` on a 409); an unreachable or silent manager gives code
 * `NETWORK_ERROR`. xcron's task API is at {@link JobManager.xcron}. Uses only `fetch`, so it
 * runs in browsers too.
 *
 * @example
 * import { GenericJobDefinition, GenericTrigger, JobKey, JobManager } from '@chaconne/client';
 *
 * const jobManager = new JobManager({ baseUrl: 'http://127.0.0.1:6543', token: process.env.CHACONNE_TOKEN });
 * const jobKey = JobKey.by('demo-cluster', 'demo-worker', 'etl', 'EtlJob');
 * const definition = GenericJobDefinition.newJob(jobKey)
 *   .setDescription('Describe your job shortly')
 *   .setRetries(3)
 *   .setTimeout(60_000)
 *   .setTrigger(GenericTrigger.Builder.newTrigger('0/5 * * * * ?'))
 *   .build();
 * const jobId = await jobManager.persistJob(definition, '{"initialParameter": "test"}');
 *
 * const runs = await jobManager.selectJobTrace({ jobKey, page: 1, size: 10 });
 * for (const run of runs.content) console.log(run.traceId, run.runningState, run.reason);
 */
export class JobManager {
  /** xcron's HTTP callback tasks on the same manager, with the same options. */
  readonly xcron: XcronClient;
  private readonly transport: Transport;

  constructor(options: JobManagerOptions) {
    this.transport = new Transport(options);
    this.xcron = new XcronClient(options);
  }

  // Lifecycle

  /**
   * Creates the job named by the definition's JobKey, or updates it, and schedules it; answers
   * the job id. Takes a built definition (`GenericJobDefinition...build()` or a plain
   * JobPersistParameter) or the builder itself. As in Chaconne's `persistJob(definition,
   * attachment)`, a given `attachment` replaces the definition's.
   */
  persistJob(
    definition: JobPersistParameter | JobDefinitionBuilder,
    attachment?: Attachment | null,
  ): Promise<number> {
    const body = definition instanceof JobDefinitionBuilder ? definition.build() : definition;
    return this.call(
      'persistJob',
      attachment === undefined ? body : { ...body, attachment: attachmentText(attachment) },
    );
  }

  /** Any state but FINISHED -> FINISHED in one call (the history stays); answers the new state. */
  deleteJob(jobKey: JobKey): Promise<JobState> {
    return this.call('deleteJob', jobKey);
  }

  /** SCHEDULING or RUNNING -> PAUSED; its occurrences are recorded SKIPPED until resumed. */
  pauseJob(jobKey: JobKey): Promise<JobState> {
    return this.call('pauseJob', jobKey);
  }

  /** PAUSED -> SCHEDULING. */
  resumeJob(jobKey: JobKey): Promise<JobState> {
    return this.call('resumeJob', jobKey);
  }

  /** NOT_SCHEDULED or FROZEN -> SCHEDULING. */
  scheduleJob(jobKey: JobKey): Promise<JobState> {
    return this.call('scheduleJob', jobKey);
  }

  /** SCHEDULING, RUNNING, PAUSED or FROZEN -> NOT_SCHEDULED: the schedule is removed. */
  unscheduleJob(jobKey: JobKey): Promise<JobState> {
    return this.call('unscheduleJob', jobKey);
  }

  /** NOT_SCHEDULED -> FINISHED (Chaconne's finishJob: unschedule first). */
  finishJob(jobKey: JobKey): Promise<JobState> {
    return this.call('finishJob', jobKey);
  }

  /** Moves the job to `jobState` where a legal transition leads there; answers the new state. */
  setJobState(jobKey: JobKey, jobState: JobState): Promise<JobState> {
    return this.call('setJobState', { jobKey, jobState });
  }

  /**
   * Runs the job now, outside its schedule, with `attachment` instead of the job's own if given;
   * answers the run's trace id. 409 when the job is FINISHED. `{ force: true }` starts it even
   * while a run of the job is going, whatever its overlap policy.
   *
   * @example
   * await jobManager.triggerJob(jobKey, undefined, { force: true });
   */
  triggerJob(
    jobKey: JobKey,
    attachment?: Attachment | null,
    options: TriggerJobOptions = {},
  ): Promise<number> {
    return this.call('triggerJob', {
      jobKey,
      ...(attachment === undefined ? {} : { attachment: attachmentText(attachment) }),
      ...(options.force === undefined ? {} : { force: options.force }),
    });
  }

  // Queries

  hasJob(jobKey: JobKey): Promise<boolean> {
    return this.call('hasJob', jobKey);
  }

  hasJobState(jobKey: JobKey, jobState: JobState): Promise<boolean> {
    return this.call('hasJobState', { jobKey, jobState });
  }

  getJobId(jobKey: JobKey): Promise<number> {
    return this.call('getJobId', jobKey);
  }

  /** The definition with its trigger and runtime state. */
  getJobDetail(jobKey: JobKey): Promise<JobDetail> {
    return this.call('getJobDetail', jobKey);
  }

  /** The trigger; `triggerDescription` is a JSON string, as in Chaconne. */
  getJobTriggerDetail(jobKey: JobKey): Promise<JobTriggerDetail> {
    return this.call('getJobTriggerDetail', jobKey);
  }

  /** State, last outcome, last and next execution times. */
  getJobRuntimeDetail(jobKey: JobKey): Promise<JobRuntimeDetail> {
    return this.call('getJobRuntimeDetail', jobKey);
  }

  /** The keys of the jobs with a trigger type, optionally in some clusters and groups. */
  getJobKeys(query: JobKeyQuery): Promise<JobKey[]> {
    return this.call('getJobKeys', query);
  }

  /** A page of jobs, filtered and sorted (newest first by default). */
  selectJobDetail(query: JobDetailPageQuery = {}): Promise<Page<JobDetail>> {
    return this.call('selectJobDetail', query);
  }

  /** Clusters that have jobs or registered workers, sorted. */
  selectClusterNames(): Promise<string[]> {
    return this.call('selectClusterNames', undefined, 'GET');
  }

  /** Whether jobs depend on this one with that dependency type. */
  hasRelations(jobKey: JobKey, dependencyType: DependencyType): Promise<boolean> {
    return this.call('hasRelations', { jobKey, dependencyType });
  }

  /** Downstream jobs: the jobs that depend on this one. */
  getRelations(jobKey: JobKey, dependencyType: DependencyType): Promise<JobKey[]> {
    return this.call('getRelations', { jobKey, dependencyType });
  }

  /** Upstream jobs: the jobs this one depends on (for PARALLEL: its fork children). */
  getDependentKeys(jobKey: JobKey, dependencyType: DependencyType): Promise<JobKey[]> {
    return this.call('getDependentKeys', { jobKey, dependencyType });
  }

  /** Who changed the job's definition, when, and what changed; newest first. */
  selectJobHistory(jobKey: JobKey, page = 1, size = 20): Promise<Page<JobHistoryRecord>> {
    return this.call('selectJobHistory', { jobKey, page, size });
  }

  /**
   * The next `count` (1-100, default 10) fire times of a trigger that need not belong to a job,
   * in its time zone and in UTC, after `from` (now when left out); 400 VALIDATION_FAILED says
   * why a trigger is invalid.
   *
   * @example
   * // The fall-back night in New York: 01:30 happens twice; the job fires at the first.
   * await jobManager.previewTrigger(GenericTrigger.Builder.newTrigger('0 30 1 * * ?').setTimeZone('America/New_York'), 3, '2026-10-31T12:00:00Z');
   */
  previewTrigger(
    trigger: TriggerDefinition | TriggerBuilder,
    count?: number,
    from?: DateInput,
  ): Promise<TriggerPreview> {
    return this.call('previewTrigger', {
      trigger: trigger instanceof TriggerBuilder ? trigger.build() : trigger,
      count,
      ...(from === undefined ? {} : { from }),
    });
  }

  // Runs

  /** A job's runs (Chaconne's traces), newest first. */
  selectJobTrace(query: JobTracePageQuery): Promise<Page<JobTrace>> {
    return this.call('selectJobTrace', query);
  }

  /** The log lines of one run, in order. */
  selectJobLog(jobKey: JobKey, traceId: number): Promise<JobLog[]> {
    return this.call('selectJobLog', { jobKey, traceId });
  }

  /** The error stack of one run, a row per line (empty when it has none). */
  selectJobStackTrace(jobKey: JobKey, traceId: number): Promise<JobStackTrace[]> {
    return this.call('selectJobStackTrace', { jobKey, traceId });
  }

  /** One run with every timing, its job's key, retries and timeout, and its error message. */
  getJobTraceDetail(traceId: number): Promise<JobTraceDetail> {
    return this.call('getJobTraceDetail', { traceId });
  }

  /**
   * Runs of every job, newest (planned) first, filtered (e.g. the latest FAILED ones). The
   * page's `rows` counts matching runs up to 100,000 (more answer 100,000); `nextPage` is exact.
   */
  selectRuns(query: RunPageQuery = {}): Promise<Page<JobTraceWithKey>> {
    return this.call('selectRuns', query);
  }

  /**
   * Cancels a run in flight: its worker is told to abort the handler and the run ends FAILED
   * with the reason (`cancelled by an operator` when none is given); it is not retried.
   * Answers the run's outcome; 409 RUN_FINISHED when it already had one.
   */
  cancelRun(traceId: number, reason?: string): Promise<RunningState> {
    return this.call('cancelRun', reason === undefined ? { traceId } : { traceId, reason });
  }

  /**
   * The log lines of a run as they arrive (server-sent events): first the lines stored so far,
   * then each new one, then one `end` event with the outcome, after which the iterator returns.
   * A run that already has an outcome gives its lines and `end` at once.
   *
   * @example
   * for await (const event of jobManager.tailJobLog(traceId)) {
   *   if (event.type === 'log') console.log(event.log.level, event.log.log);
   *   else console.log('run ended', event.runningState, event.reason);
   * }
   */
  async *tailJobLog(traceId: number, options: TailOptions = {}): AsyncGenerator<JobLogTailEvent> {
    const opened = await this.transport.openStream(
      '/job/admin/tailJobLog',
      { traceId: String(traceId) },
      options.signal,
    );
    if ('failure' in opened) throw envelopeError('tailJobLog', opened.failure.status, opened.failure.body);
    try {
      for await (const { event, data } of readEventStream(opened.body)) {
        if (event === 'log') yield { type: 'log', log: JSON.parse(data) as JobLog };
        else if (event === 'end') {
          const end = JSON.parse(data) as { runningState: RunningState; reason: string | null };
          yield { type: 'end', runningState: end.runningState, reason: end.reason };
          return;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }

  // Workers

  /** The live worker instances (heartbeat, runs in flight, draining) and those lost in the last hour. */
  selectWorkers(query: WorkerQuery = {}): Promise<WorkerOverview> {
    return this.call('selectWorkers', query);
  }

  // Statistics

  /** Counters per day (`yyyy-MM-dd`) over the last `lastDays` days, zero-filled, oldest first. */
  selectJobStatByDay(query: JobStatQuery = {}): Promise<JobStatDetail[]> {
    return this.call('selectJobStatByDay', query);
  }

  /** Counters per month (`yyyy-MM`): this month and the two before, zero-filled, oldest first. */
  selectJobStatByMonth(query: JobStatQuery = {}): Promise<JobStatDetail[]> {
    return this.call('selectJobStatByMonth', query);
  }

  /** Counters per job between two days, by job id, a page at a time. */
  selectJobStatById(query: JobStatPageQuery = {}): Promise<Page<JobStatByJob>> {
    return this.call('selectJobStatById', query);
  }

  /** How many jobs are in each state (every state listed). */
  selectJobStateCount(query: JobStateCountQuery = {}): Promise<JobStateCount[]> {
    return this.call('selectJobStateCount', query);
  }

  /** Counters summed over all days, the number of jobs and the latest run. */
  selectJobStat(query: JobStatQuery = {}): Promise<JobStat> {
    return this.call('selectJobStat', query);
  }

  /** The one request path: `/job/admin/<endpoint>`, Chaconne's envelope unwrapped or thrown. */
  private async call<T>(endpoint: string, body: unknown, method: 'GET' | 'POST' = 'POST'): Promise<T> {
    const { status, body: result } = await this.transport.request({
      method,
      path: `/job/admin/${endpoint}`,
      body,
    });
    if (isRecord(result) && result.success === true) return result.data as T;
    throw envelopeError(endpoint, status, result);
  }
}

/** The error of an answer that is not a success in Chaconne's envelope. */
function envelopeError(endpoint: string, status: number, result: unknown): ChaconneApiError {
  if (!isRecord(result) || typeof result.success !== 'boolean') {
    return new ChaconneApiError(
      `${endpoint}: HTTP ${status} without Chaconne's envelope`,
      status,
      'BAD_RESPONSE',
    );
  }
  return new ChaconneApiError(
    typeof result.msg === 'string' ? result.msg : `${endpoint}: HTTP ${status}`,
    status,
    typeof result.code === 'string' ? (result.code as ErrorCode) : 'BAD_RESPONSE',
    fieldErrorsOf(result.errors),
    isRecord(result.details) ? result.details : {},
  );
}
