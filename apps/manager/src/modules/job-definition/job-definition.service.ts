import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, formatJobKey, type JobDetail, type JobKey, JobState } from '@chaconne/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError, NotFound, ValidationFailed } from '../../common/app-error';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { parseBody } from '../../common/validation';
import { ScheduleSyncService } from '../schedule/schedule-sync.service';
import { type PersistJobCommand, persistJobSchema, toPersistCommand } from './dto/persist-job.dto';
import { JobDetailEntity } from './job-detail.entity';
import { toJobDetail } from './job-detail.mapper';
import { JobRuntimeEntity } from './job-runtime.entity';
import { JobTriggerEntity } from './job-trigger.entity';

const MYSQL_DUPLICATE_ENTRY = 'ER_DUP_ENTRY';

export interface PersistResult {
  jobId: number;
  created: boolean;
}

/** Job definitions: create/update by JobKey, and read them back. */
@Injectable()
export class JobDefinitionService {
  private readonly logger = new Logger(JobDefinitionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly scheduleSync: ScheduleSyncService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /** Validates a raw persistJob body; throws ValidationFailed listing every bad field. */
  validate(body: unknown, fieldPrefix = ''): PersistJobCommand {
    const parsed = parseBody(persistJobSchema, body);
    const result = toPersistCommand(parsed, this.config.timeZone);
    if ('problems' in result) {
      throw new ValidationFailed(
        result.problems.map((p) => ({ field: fieldPrefix + p.field, reason: p.reason })),
      );
    }
    const size =
      result.command.attachment === null ? 0 : Buffer.byteLength(result.command.attachment, 'utf8');
    if (size > this.config.attachmentLimitBytes) {
      const reason = `is ${size} bytes; the limit is ${this.config.attachmentLimitBytes} (CHACONNE_ATTACHMENT_LIMIT_BYTES)`;
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `attachment ${reason}`, 413, [
        { field: `${fieldPrefix}attachment`, reason },
      ]);
    }
    return result.command;
  }

  /** Creates or updates the job named by the command's JobKey, then brings its schedule up to date. */
  async persist(command: PersistJobCommand): Promise<PersistResult> {
    let result: PersistResult;
    try {
      result = await this.dataSource.transaction((em) => this.upsert(em, command));
    } catch (error) {
      // Two writers created the same new job at once: the loser retries as an update.
      if ((error as { code?: string }).code !== MYSQL_DUPLICATE_ENTRY) throw error;
      result = await this.dataSource.transaction((em) => this.upsert(em, command));
    }
    this.logger.log(
      `${result.created ? 'created' : 'updated'} job ${result.jobId} ${formatJobKey(command.jobKey)}`,
    );
    await this.scheduleSync.syncQuietly(result.jobId);
    return result;
  }

  private async upsert(em: EntityManager, command: PersistJobCommand): Promise<PersistResult> {
    const now = new Date();
    const existing = await em.findOne(JobDetailEntity, {
      where: { ...command.jobKey },
      lock: { mode: 'pessimistic_write' },
    });
    const detail = existing ?? em.create(JobDetailEntity, { ...command.jobKey, createDate: now });
    Object.assign(detail, {
      executor: command.executor,
      description: command.description,
      email: command.email,
      retries: command.retries,
      timeout: command.timeout,
      weight: command.weight,
      attachment: command.attachment,
      updateDate: now,
    });
    await em.save(detail);

    const trigger = existing ? await em.findOneByOrFail(JobTriggerEntity, { jobId: detail.jobId }) : null;
    const timing = command.trigger;
    const timingChanged =
      trigger?.triggerType !== timing.triggerType ||
      trigger.triggerDescription !== timing.triggerDescription ||
      trigger.startDate?.getTime() !== timing.startDate?.getTime() ||
      trigger.endDate?.getTime() !== timing.endDate?.getTime() ||
      trigger.repeatCount !== timing.repeatCount ||
      trigger.timeZone !== timing.timeZone;
    await em.save(
      em.create(JobTriggerEntity, {
        jobId: detail.jobId,
        ...timing,
        revision: (trigger?.revision ?? 0) + (timingChanged ? 1 : 0),
      }),
    );
    if (!existing) {
      await em.insert(JobRuntimeEntity, {
        jobId: detail.jobId,
        jobState: JobState.SCHEDULING,
        lastRunningState: null,
        lastExecutionTime: null,
        lastCompletionTime: null,
        nextExecutionTime: null,
      });
    }
    return { jobId: detail.jobId, created: !existing };
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
