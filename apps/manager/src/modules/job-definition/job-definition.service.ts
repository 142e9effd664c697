import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DependencyType,
  ErrorCode,
  type FieldError,
  formatJobKey,
  type JobDetail,
  type JobKey,
  JobState,
  type Page,
  type JobHistoryRecord,
} from '@chaconne/contracts';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { attachmentSchema, attachmentSizeProblem } from '@chaconne/contracts/definition';
import { z } from 'zod';
import { AppError, NotFound } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { partCheck, validateBody } from '../../common/validation';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { ManagerPlugins } from '../policy/manager-plugins';
import { entityInsert, RawSql, SqlBatcher, type Statement } from '../sql/sql.module';
import { planOf, type ScheduledJobRow, ScheduleSyncService } from '../schedule/schedule-sync.service';
import { nextFireAfter } from '../trigger/trigger-plan';
import { storedRunPolicy } from './dto/run-policy.dto';
import {
  type PersistJobCommand,
  persistJobParts,
  persistJobSchema,
  toPersistCommand,
} from './dto/persist-job.dto';
import { JobDependencyEntity } from './job-dependency.entity';
import { JobDetailEntity } from './job-detail.entity';
import { JobHistoryEntity } from './job-history.entity';
import { toJobDetail } from './job-detail.mapper';
import { JobRuntimeEntity } from './job-runtime.entity';
import { TRANSITIONS } from './job-transitions';
import { JobTriggerEntity } from './job-trigger.entity';

const RETRYABLE_WRITE_ERRORS = new Set(['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** Who changes a job definition: for the audit trail. */
export interface Actor {
  source: 'api' | 'worker' | 'xcron';
  /** The admin token's name, or the worker instance id. */
  actor: string;
}

const UNKNOWN_ACTOR: Actor = { source: 'api', actor: 'unknown' };

const keyOf = (row: JobDependencyEntity): JobKey => ({
  clusterName: row.clusterName,
  groupName: row.groupName,
  jobName: row.jobName,
  jobClassName: row.jobClassName,
});

/** The fields whose changes the audit trail records, as comparable values. */
function auditedFields(
  detail: JobDetailEntity,
  trigger: JobTriggerEntity,
  dependencies: JobDependencyEntity[],
): Record<string, unknown> {
  const keysOf = (type: number) =>
    dependencies.filter((d) => d.dependencyType === type).map((d) => formatJobKey(keyOf(d)));
  return {
    description: detail.description,
    email: detail.email,
    retries: detail.retries,
    timeout: detail.timeout,
    weight: detail.weight,
    completionRate: detail.completionRate,
    attachment: detail.attachment,
    triggerType: trigger.triggerType,
    triggerDescription: trigger.triggerDescription,
    startDate: trigger.startDate?.toISOString() ?? null,
    endDate: trigger.endDate?.toISOString() ?? null,
    repeatCount: trigger.repeatCount,
    timeZone: trigger.timeZone,
    dependentKeys: keysOf(DependencyType.SERIAL),
    forkKeys: keysOf(DependencyType.PARALLEL),
    ...storedRunPolicy(detail.runPolicy),
  };
}

function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before[field];
    if (JSON.stringify(from ?? null) !== JSON.stringify(to ?? null))
      changes[field] = { from: from ?? null, to };
  }
  return changes;
}

/** The definition columns a persistJob sets, on a new job as on an update. */
function detailFields(command: PersistJobCommand, now: Date): Partial<JobDetailEntity> {
  return {
    executor: command.executor,
    description: command.description,
    email: command.email,
    retries: command.retries,
    timeout: command.timeout,
    weight: command.weight,
    completionRate: command.completionRate,
    attachment: command.attachment,
    runPolicy: JSON.stringify(command.runPolicy),
    updateDate: now,
  };
}

/** The dependencies a persistJob declares, in order (without the job id). */
function declaredDependencies(
  command: PersistJobCommand,
): Omit<JobDependencyEntity, 'dependencyId' | 'jobId' | 'job'>[] {
  return [
    ...command.dependentKeys.map((key, position) => ({
      ...key,
      position,
      dependencyType: DependencyType.SERIAL,
    })),
    ...command.forkKeys.map((key, position) => ({
      ...key,
      position,
      dependencyType: DependencyType.PARALLEL,
    })),
  ];
}

/** A new job's schedule as the scheduler reads it. */
function scheduledOf(jobId: number, trigger: JobTriggerEntity, createDate: Date): ScheduledJobRow {
  return {
    job_id: jobId,
    trigger_type: trigger.triggerType,
    trigger_description: trigger.triggerDescription,
    start_date: trigger.startDate,
    time_zone: trigger.timeZone,
    job_state: JobState.SCHEDULING,
    create_date: createDate,
  };
}

function historyEntry(
  actor: Actor,
  now: Date,
  action: 'create' | 'update',
  changes: Record<string, { from: unknown; to: unknown }>,
): Partial<JobHistoryEntity> {
  return {
    changedAt: now,
    source: actor.source,
    actor: actor.actor.slice(0, 128),
    action,
    changes: JSON.stringify(changes),
  };
}

export interface PersistResult {
  jobId: number;
  created: boolean;
  /** A created job's schedule, to hand to Redis. */
  scheduled?: ScheduledJobRow;
}

/** Job definitions: create/update by JobKey, and read them back. */
@Injectable()
export class JobDefinitionService {
  private readonly logger = new Logger(JobDefinitionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlBatcher,
    private readonly scheduleSync: ScheduleSyncService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    private readonly plugins: ManagerPlugins,
    private readonly runtime: JobRuntimeRepository,
  ) {}

  /**
   * Validates a raw persistJob body. Throws ValidationFailed (400) listing every problem of
   * the body (an oversized attachment among them), or 413 PAYLOAD_TOO_LARGE when the
   * attachment is its only problem.
   */
  validate(body: unknown, fieldPrefix = ''): PersistJobCommand {
    const now = Date.now();
    const known = this.plugins.known;
    const zone = this.config.timeZone;
    const command = validateBody(
      persistJobSchema,
      body,
      (parsed) => {
        const checked = toPersistCommand(parsed, zone, now, known);
        if ('value' in checked) return checked;
        return { problems: [...checked.problems, ...this.attachmentProblems(parsed.attachment)] };
      },
      [
        ...persistJobParts(zone, now, known),
        partCheck(z.object({ attachment: attachmentSchema }), ({ attachment }) =>
          this.attachmentProblems(attachment),
        ),
      ],
      fieldPrefix,
    );
    this.checkAttachmentSize(command.attachment, `${fieldPrefix}attachment`);
    return command;
  }

  /**
   * Refuses an attachment over CHACONNE_ATTACHMENT_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE: a
   * persisted one, and triggerJob's override.
   */
  checkAttachmentSize(attachment: string | null | undefined, field = 'attachment'): void {
    const [problem] = this.attachmentProblems(attachment);
    if (problem) {
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `${field} ${problem.reason}`, 413, [
        { field, reason: problem.reason },
      ]);
    }
  }

  private attachmentProblems(attachment: string | null | undefined): FieldError[] {
    const limit = this.config.attachmentLimitBytes;
    const reason = attachmentSizeProblem(attachment, limit, 'CHACONNE_ATTACHMENT_LIMIT_BYTES');
    return reason ? [{ field: 'attachment', reason }] : [];
  }

  /**
   * Creates or updates the job named by the command's JobKey, records who changed what,
   * then brings its schedule up to date.
   */
  async persist(command: PersistJobCommand, actor: Actor = UNKNOWN_ACTOR): Promise<PersistResult> {
    const result = (await this.create(command, actor)) ?? (await this.upsertWithRetry(command, actor));
    // Debug level: a line per save adds up at thousands of saves a second, and who changed
    // what is kept in the job's history anyway.
    this.logger.debug(
      `${result.created ? 'created' : 'updated'} job ${result.jobId} ${formatJobKey(command.jobKey)} (${actor.source}: ${actor.actor})`,
    );
    if (result.scheduled) await this.scheduleSync.scheduleNewQuietly(result.scheduled);
    else await this.scheduleSync.syncQuietly(result.jobId);
    return { jobId: result.jobId, created: result.created };
  }

  /**
   * A new job in one batched transaction, with no read first: its rows and its history
   * entry (the job id travels in a session variable). Answers null when the JobKey is
   * taken, and the update path takes over. Ingest of new jobs is the common case: this is
   * one round trip shared with other requests instead of nine (BENCHMARKS.md, ingest).
   */
  private async create(command: PersistJobCommand, actor: Actor): Promise<PersistResult | null> {
    const now = new Date();
    const em = this.dataSource.manager;
    const detailValues = { ...command.jobKey, createDate: now, ...detailFields(command, now) };
    const triggerValues = { ...command.trigger, revision: 1 };
    const dependencies = declaredDependencies(command);
    const detail = em.create(JobDetailEntity, detailValues);
    const trigger = em.create(JobTriggerEntity, triggerValues);
    const declared = dependencies.map((row) => em.create(JobDependencyEntity, row));
    const scheduledRow = (id: number): ScheduledJobRow => scheduledOf(id, trigger, now);
    const next = nextFireAfter(planOf(scheduledRow(0)), now.getTime());
    const jobId = new RawSql('@chac_new_job');
    const insert = (entity: EntityTarget<ObjectLiteral>, rows: Record<string, unknown>[]): Statement =>
      entityInsert(this.dataSource.getMetadata(entity), rows);
    const history = historyEntry(
      actor,
      now,
      'create',
      diffFields({}, auditedFields(detail, trigger, declared)),
    );
    const statements: Statement[] = [
      insert(JobDetailEntity, [detailValues]),
      { sql: 'SET @chac_new_job = LAST_INSERT_ID()' },
      insert(JobTriggerEntity, [{ ...triggerValues, jobId }]),
      this.runtime.firstRuntimeInsert(jobId, next === null ? null : new Date(next)),
      insert(JobHistoryEntity, [{ ...history, jobId }]),
      ...(dependencies.length > 0
        ? [
            insert(
              JobDependencyEntity,
              dependencies.map((row) => ({ ...row, jobId })),
            ),
          ]
        : []),
    ];
    let results: unknown[];
    try {
      results = await this.sql.transaction(statements);
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return null;
      throw error;
    }
    const id = (results[0] as { insertId: number }).insertId;
    return { jobId: id, created: true, scheduled: scheduledRow(id) };
  }

  /**
   * READ COMMITTED: the key lookup `FOR UPDATE` then locks only an existing row, not the
   * gap where a new job would go, so parallel creates of different jobs do not deadlock.
   * Two writers creating the same new job still collide (the loser gets a duplicate key
   * and retries as an update); that and any remaining deadlock are retried with jitter.
   */
  private async upsertWithRetry(command: PersistJobCommand, actor: Actor): Promise<PersistResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', (em) => this.upsert(em, command, actor));
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!RETRYABLE_WRITE_ERRORS.has(code) || attempt >= 8) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
      }
    }
  }

  private async upsert(em: EntityManager, command: PersistJobCommand, actor: Actor): Promise<PersistResult> {
    const now = new Date();
    const existing = await em.findOne(JobDetailEntity, {
      where: { ...command.jobKey },
      lock: { mode: 'pessimistic_write' },
    });
    const trigger = existing ? await em.findOneByOrFail(JobTriggerEntity, { jobId: existing.jobId }) : null;
    const dependencies = existing
      ? await em.find(JobDependencyEntity, {
          where: { jobId: existing.jobId },
          order: { dependencyType: 'ASC', position: 'ASC' },
        })
      : [];
    const before = existing && trigger ? auditedFields(existing, trigger, dependencies) : null;

    const detail = existing ?? em.create(JobDetailEntity, { ...command.jobKey, createDate: now });
    Object.assign(detail, detailFields(command, now));
    await em.save(detail);

    const timing = command.trigger;
    const timingChanged =
      trigger?.triggerType !== timing.triggerType ||
      trigger.triggerDescription !== timing.triggerDescription ||
      trigger.startDate?.getTime() !== timing.startDate?.getTime() ||
      trigger.endDate?.getTime() !== timing.endDate?.getTime() ||
      trigger.repeatCount !== timing.repeatCount ||
      trigger.timeZone !== timing.timeZone;
    const savedTrigger = await em.save(
      em.create(JobTriggerEntity, {
        jobId: detail.jobId,
        ...timing,
        revision: (trigger?.revision ?? 0) + (timingChanged ? 1 : 0),
      }),
    );
    // A new schedule starts afresh: occurrences of the old one are not misfires of the new.
    if (existing && timingChanged) await this.restartSchedule(em, detail, savedTrigger, now);
    if (existing) await em.delete(JobDependencyEntity, { jobId: detail.jobId });
    const declared = declaredDependencies(command).map((row) =>
      em.create(JobDependencyEntity, { ...row, jobId: detail.jobId }),
    );
    if (declared.length > 0) await em.save(declared);

    // A new job is scheduled at once: its runtime row carries its first execution time,
    // and its schedule goes to Redis without reading anything back.
    let scheduled: ScheduledJobRow | undefined;
    if (!existing) {
      scheduled = scheduledOf(detail.jobId, savedTrigger, detail.createDate);
      const next = nextFireAfter(planOf(scheduled), now.getTime());
      await this.runtime.insertFirstRuntime(em, detail.jobId, next === null ? null : new Date(next));
    }
    const after = auditedFields(detail, savedTrigger, declared);
    const changes = diffFields(before ?? {}, after);
    if (Object.keys(changes).length > 0) {
      await em.insert(JobHistoryEntity, {
        ...historyEntry(actor, now, existing ? 'update' : 'create', changes),
        jobId: detail.jobId,
      });
    }
    return { jobId: detail.jobId, created: !existing, scheduled };
  }

  /**
   * A trigger edit starts the schedule afresh. A job the manager itself ended because its trigger had
   * nothing left to fire (FINISHED with a reason: a one-shot after its occurrence, a used-up repeat
   * count) is scheduled again when the new trigger fires in the future; a job an operator deleted
   * (FINISHED without a reason) stays deleted.
   */
  private async restartSchedule(
    em: EntityManager,
    detail: JobDetailEntity,
    trigger: JobTriggerEntity,
    now: Date,
  ): Promise<void> {
    const runtime = await this.runtime.lockForTriggerEdit(em, detail.jobId);
    const ended = runtime?.jobState === JobState.FINISHED && runtime.stateReason !== null;
    const next = ended
      ? nextFireAfter(planOf(scheduledOf(detail.jobId, trigger, detail.createDate)), now.getTime())
      : null;
    await this.runtime.restartSchedule(
      em,
      detail.jobId,
      next === null ? null : { ...TRANSITIONS.revive, next: new Date(next) },
    );
  }

  /** A job's change history, newest first. */
  async history(key: JobKey, page: number, size: number): Promise<Page<JobHistoryRecord>> {
    const jobId = await this.getJobId(key);
    const [rows, total] = await this.dataSource.getRepository(JobHistoryEntity).findAndCount({
      where: { jobId },
      order: { historyId: 'DESC' },
      skip: (page - 1) * size,
      take: size,
    });
    return {
      page,
      size,
      rows: total,
      nextPage: page * size < total ? page + 1 : null,
      content: rows.map((r) => ({
        changedAt: r.changedAt.toISOString(),
        source: r.source,
        actor: r.actor,
        action: r.action,
        changes: JSON.parse(r.changes) as Record<string, { from: unknown; to: unknown }>,
      })),
    };
  }

  /** The keys a job declared as dependencies of a type (SERIAL, PARALLEL, or MIXED = both). */
  async dependentKeys(key: JobKey, dependencyType: DependencyType): Promise<JobKey[]> {
    const jobId = await this.getJobId(key);
    const rows = await this.dataSource.getRepository(JobDependencyEntity).find({
      where: { jobId, ...(dependencyType === DependencyType.MIXED ? {} : { dependencyType }) },
      order: { dependencyType: 'ASC', position: 'ASC' },
    });
    return rows.map(keyOf);
  }

  /** The jobs that declared `key` as a dependency of a type: its downstream jobs, or fork/join parents. */
  async relations(key: JobKey, dependencyType: DependencyType): Promise<JobKey[]> {
    await this.getJobId(key);
    const rows = await this.dataSource.query<
      { cluster_name: string; group_name: string; job_name: string; job_class_name: string }[]
    >(
      `SELECT DISTINCT d.cluster_name, d.group_name, d.job_name, d.job_class_name
         FROM chac_job_dependency x JOIN chac_job_detail d ON d.job_id = x.job_id
        WHERE x.cluster_name = ? AND x.group_name = ? AND x.job_name = ? AND x.job_class_name = ?
          ${dependencyType === DependencyType.MIXED ? '' : 'AND x.dependency_type = ?'}
        ORDER BY d.job_id`,
      [
        key.clusterName,
        key.groupName,
        key.jobName,
        key.jobClassName,
        ...(dependencyType === DependencyType.MIXED ? [] : [dependencyType]),
      ],
    );
    return rows.map((r) => ({
      clusterName: r.cluster_name,
      groupName: r.group_name,
      jobName: r.job_name,
      jobClassName: r.job_class_name,
    }));
  }

  async getJobId(key: JobKey): Promise<number> {
    const detail = await this.dataSource.getRepository(JobDetailEntity).findOne({
      select: { jobId: true },
      where: {
        clusterName: key.clusterName,
        groupName: key.groupName,
        jobName: key.jobName,
        jobClassName: key.jobClassName,
      },
    });
    if (!detail) throw new NotFound(ErrorCode.JOB_NOT_FOUND, `no job ${formatJobKey(key)}`);
    return detail.jobId;
  }

  async getJobDetail(key: JobKey): Promise<JobDetail> {
    const jobId = await this.getJobId(key);
    const [detail, trigger, runtime] = await Promise.all([
      this.dataSource.getRepository(JobDetailEntity).findOneByOrFail({ jobId }),
      this.dataSource.getRepository(JobTriggerEntity).findOneByOrFail({ jobId }),
      this.dataSource.getRepository(JobRuntimeEntity).findOneByOrFail({ jobId }),
    ]);
    return toJobDetail(detail, trigger, runtime);
  }
}
