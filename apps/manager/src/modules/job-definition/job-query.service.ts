import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type {
  JobDetail,
  JobKey,
  JobRuntimeDetail,
  JobTriggerDetail,
  Page,
  TriggerPreview,
} from '@chaconne/contracts';
import { DataSource, In } from 'typeorm';
import type { z } from 'zod';
import { validateBody } from '../../common/validation';
import { previewFireTimes } from '../trigger/trigger-preview';
import { planFromTrigger } from '../trigger/trigger-plan';
import {
  type jobKeysQuerySchema,
  previewTriggerSchema,
  type selectJobDetailSchema,
} from './dto/job-queries.dto';
import { toTriggerCommand, triggerPart } from './dto/trigger.dto';
import { JobDefinitionService } from './job-definition.service';
import { JobDetailEntity } from './job-detail.entity';
import { toJobDetail } from './job-detail.mapper';
import { JobRuntimeEntity } from './job-runtime.entity';
import { JobTriggerEntity } from './job-trigger.entity';

const SORT_COLUMNS = {
  jobId: 'd.job_id',
  jobName: 'd.job_name',
  createDate: 'd.create_date',
  // The runtime's next execution time: ix_runtime_next.
  nextFireTime: 'r.next_execution_time',
} as const;

/** Read-only questions about jobs (Chaconne's JobManager queries). */
@Injectable()
export class JobQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobDefinitionService,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * The next fire times of a previewTrigger body's trigger after its `from` (now by default),
   * in its zone and in UTC; or every problem of the body (its shape and the trigger's cron,
   * zone and dates together).
   */
  previewTrigger(body: unknown, now = Date.now()): TriggerPreview {
    const zone = this.config.timeZone;
    const { trigger, count, from } = validateBody(
      previewTriggerSchema,
      body,
      (query) => {
        const checked = toTriggerCommand(query.trigger, zone, now);
        return 'value' in checked
          ? { value: { trigger: checked.value, count: query.count, from: query.from } }
          : checked;
      },
      [triggerPart(zone, now)],
    );
    const after = from?.getTime() ?? now;
    const times = previewFireTimes(
      planFromTrigger(trigger),
      after,
      count,
      trigger.endDate?.getTime() ?? null,
    );
    return {
      timeZone: trigger.timeZone,
      fireTimes: times.map((t) => ({
        utc: new Date(t).toISOString(),
        local: DateTime.fromMillis(t, { zone: trigger.timeZone }).toISO({ suppressMilliseconds: true }) ?? '',
      })),
    };
  }

  async hasJob(key: JobKey): Promise<boolean> {
    return this.jobs.getJobId(key).then(
      () => true,
      () => false,
    );
  }

  async getTriggerDetail(key: JobKey): Promise<JobTriggerDetail> {
    return (await this.jobs.getJobDetail(key)).jobTriggerDetail;
  }

  async getRuntimeDetail(key: JobKey): Promise<JobRuntimeDetail> {
    return (await this.jobs.getJobDetail(key)).jobRuntime;
  }

  async getJobKeys(query: z.output<typeof jobKeysQuerySchema>): Promise<JobKey[]> {
    const where = ['t.trigger_type = ?'];
    const params: unknown[] = [query.triggerType];
    const clusters = [...(query.clusterNames ?? []), ...(query.clusterName ? [query.clusterName] : [])];
    const groups = [...(query.groupNames ?? []), ...(query.groupName ? [query.groupName] : [])];
    if (clusters.length > 0) {
      where.push(`d.cluster_name IN (${clusters.map(() => '?').join(',')})`);
      params.push(...clusters);
    }
    if (groups.length > 0) {
      where.push(`d.group_name IN (${groups.map(() => '?').join(',')})`);
      params.push(...groups);
    }
    const rows = await this.dataSource.query<
      { cluster_name: string; group_name: string; job_name: string; job_class_name: string }[]
    >(
      `SELECT d.cluster_name, d.group_name, d.job_name, d.job_class_name
         FROM chac_job_detail d JOIN chac_job_trigger_detail t ON t.job_id = d.job_id
        WHERE ${where.join(' AND ')} ORDER BY d.job_id`,
      params,
    );
    return rows.map((r) => ({
      clusterName: r.cluster_name,
      groupName: r.group_name,
      jobName: r.job_name,
      jobClassName: r.job_class_name,
    }));
  }

  async selectJobDetail(query: z.output<typeof selectJobDetailSchema>): Promise<Page<JobDetail>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (sql: string, value: unknown): void => {
      where.push(sql);
      params.push(value);
    };
    if (query.clusterName) filter('d.cluster_name = ?', query.clusterName);
    if (query.groupName) filter('d.group_name = ?', query.groupName);
    if (query.jobName)
      filter(
        "d.job_name LIKE CONCAT('%', ?, '%')",
        query.jobName.replace(/[\\%_]/g, (c) => `\\${c}`),
      );
    if (query.jobState !== null && query.jobState !== undefined) filter('r.job_state = ?', query.jobState);
    if (query.triggerType !== null && query.triggerType !== undefined)
      filter('t.trigger_type = ?', query.triggerType);
    if (query.nextFireFrom) filter('r.next_execution_time >= ?', query.nextFireFrom);
    if (query.nextFireTo) filter('r.next_execution_time < ?', query.nextFireTo);
    const from = `FROM chac_job_runtime_detail r
      JOIN chac_job_detail d ON d.job_id = r.job_id
      JOIN chac_job_trigger_detail t ON t.job_id = r.job_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    // By next fire time, the runtimes are read in ix_runtime_next order (MariaDB would
    // otherwise start from another table and sort every job); the other sorts are its choice.
    const select = query.sort === 'nextFireTime' ? 'SELECT STRAIGHT_JOIN' : 'SELECT';
    const [counted, ids] = await Promise.all([
      this.dataSource.query<{ total: number | string }[]>(`SELECT COUNT(*) AS total ${from}`, params),
      this.dataSource.query<{ job_id: number }[]>(
        `${select} d.job_id ${from} ORDER BY ${SORT_COLUMNS[query.sort]} ${query.order === 'asc' ? 'ASC' : 'DESC'}, d.job_id ${query.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
        [...params, query.size, (query.page - 1) * query.size],
      ),
    ]);
    const jobIds = ids.map((r) => r.job_id);
    const [details, triggers, runtimes] = await Promise.all([
      this.dataSource.getRepository(JobDetailEntity).findBy({ jobId: In(jobIds) }),
      this.dataSource.getRepository(JobTriggerEntity).findBy({ jobId: In(jobIds) }),
      this.dataSource.getRepository(JobRuntimeEntity).findBy({ jobId: In(jobIds) }),
    ]);
    const byId = <T extends { jobId: number }>(list: T[]) => new Map(list.map((e) => [e.jobId, e]));
    const [d, t, r] = [byId(details), byId(triggers), byId(runtimes)];
    const content = jobIds.flatMap((id) => {
      const detail = d.get(id);
      const trigger = t.get(id);
      const runtime = r.get(id);
      return detail && trigger && runtime ? [toJobDetail(detail, trigger, runtime)] : [];
    });
    const total = Number(counted[0]?.total ?? 0);
    return {
      page: query.page,
      size: query.size,
      rows: total,
      nextPage: query.page * query.size < total ? query.page + 1 : null,
      content,
    };
  }

  /** Clusters that have jobs or registered workers. */
  async selectClusterNames(): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT cluster_name AS name FROM chac_job_detail
       UNION SELECT cluster_name FROM chac_worker_instance ORDER BY name`,
    );
    return rows.map((r) => r.name);
  }
}
