import type { Page, XcronTask } from '@chaconne/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_RUN_POLICY,
  ErrorCode,
  JobState,
  OverlapPolicy,
  RunningState,
  TriggerType,
} from '@chaconne/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import type { PersistJobCommand } from '../job-definition/dto/persist-job.dto';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { JobRuntimeRepository } from '../job-runtime/job-runtime.repository';
import { CallbackPolicy } from './callback-policy';
import { XcronCode, XcronError, XcronType } from './xcron-codes';
import {
  type CreateTaskCommand,
  parseTaskCallback,
  type TaskListQuery,
  validateCreateTask,
} from './xcron-task.dto';

/** Every xcron task is a job under this cluster and group, named by its task id. */
export const XCRON_CLUSTER = 'xcron';
export const XCRON_GROUP = 'xcron';
export const XCRON_JOB_CLASS = 'HttpCallback';

interface TaskRow {
  job_id: number;
  job_name: string;
  attachment: string | null;
  create_date: Date;
  trigger_type: number;
  trigger_description: string;
  start_date: Date | null;
  job_state: number;
  state_reason: string | null;
  run_count: number | string;
}

/** A task's columns; the run count (fired occurrences, skipped ones not counted) reads ix_run_job_state. */
const TASK_COLUMNS = `d.job_id, d.job_name, d.attachment, d.create_date, t.trigger_type, t.trigger_description,
  t.start_date, r.job_state, r.state_reason,
  (SELECT COUNT(*) FROM chac_job_run x WHERE x.job_id = d.job_id AND x.running_state <> ?) AS run_count`;

/** A stored task as xcron's queryTask answers it. */
function toTask(row: TaskRow): XcronTask {
  const once = row.trigger_type === TriggerType.SIMPLE;
  const description = JSON.parse(row.trigger_description) as { cron?: { expression?: string } };
  return {
    task_id: row.job_name,
    create_time: String(Math.floor(row.create_date.getTime() / 1000)),
    type: once ? XcronType.ONE_SHOT : XcronType.PERIODIC,
    format: once
      ? String(Math.floor((row.start_date?.getTime() ?? 0) / 1000))
      : (description.cron?.expression ?? ''),
    run_count: Number(row.run_count),
    callback: parseTaskCallback(row.attachment) ?? { url: '', body: {} },
    deleted: isDeleted(row),
  };
}

/**
 * Deleted by a request (deleteTask, deleteJob): FINISHED with no reason of the manager's own.
 * A one-shot task the manager finished after its only run is not deleted.
 */
const isDeleted = (row: Pick<TaskRow, 'job_state' | 'state_reason'>): boolean =>
  row.job_state === JobState.FINISHED && row.state_reason === null;

/**
 * xcron tasks on top of jobs: a task is a job with executor `http` whose attachment is the
 * callback `{ url, body }`. Its task id is a random UUID, generated here and used as the
 * job name, so the task is found by its JobKey (xcron, xcron, <task_id>, HttpCallback).
 */
@Injectable()
export class XcronTaskService {
  private readonly logger = new Logger(XcronTaskService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobDefinitionService,
    private readonly lifecycle: JobLifecycleService,
    private readonly policy: CallbackPolicy,
    private readonly runtime: JobRuntimeRepository,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /**
   * Validates and stores a task. The callback URL is checked after DNS: a host name that
   * resolves to a private address is refused here, one that does not resolve yet is accepted
   * with a warning, and the same check runs again on every delivery (the agent's lookup),
   * against rebinding and for the hosts that did not resolve.
   */
  async create(body: Record<string, unknown>): Promise<{ taskId: string; warnings: string[] }> {
    const validated = await validateCreateTask(body, {
      timeZone: this.config.timeZone,
      now: Date.now(),
      verifyUrl: (url) => this.policy.verify(url),
      callbackLimitBytes: this.config.attachmentLimitBytes,
    });
    if ('problems' in validated) throw XcronError.invalid(validated.problems);
    const task = validated.command;
    const attachment = JSON.stringify(task.callback);

    const taskId = randomUUID();
    try {
      await this.jobs.persist(this.toJob(taskId, task, attachment), { source: 'xcron', actor: 'createTask' });
    } catch (error) {
      this.logger.error(`xcron task ${taskId} not stored: ${(error as Error).message}`);
      throw new XcronError(
        XcronCode.ENQUEUE_FAILED,
        ErrorCode.DEPENDENCY_UNAVAILABLE,
        'the task could not be stored; try again',
        503,
      );
    }
    return { taskId, warnings: validated.warnings };
  }

  /**
   * Stops a task for good: its job is FINISHED and its schedule removed; its runs stay. A
   * one-shot task that already ran (FINISHED by the manager) is only marked deleted.
   */
  async delete(taskId: string): Promise<void> {
    const row = await this.find(taskId);
    if (isDeleted(row)) return;
    if (row.job_state === JobState.FINISHED) {
      await this.runtime.clearFinishedReason(row.job_id);
      return;
    }
    await this.lifecycle.applyById(row.job_id, 'delete', `xcron task ${taskId}`);
  }

  async query(taskId: string): Promise<XcronTask> {
    return toTask(await this.find(taskId));
  }

  /** A page of tasks, newest first (ix_job_group_created), without deleted ones unless asked. */
  async list(query: TaskListQuery): Promise<Page<XcronTask>> {
    const deleted = query.includeDeleted ? '' : 'AND NOT (r.job_state = ? AND r.state_reason IS NULL)';
    const params = [
      XCRON_CLUSTER,
      XCRON_GROUP,
      XCRON_JOB_CLASS,
      ...(query.includeDeleted ? [] : [JobState.FINISHED]),
    ];
    const from = `FROM chac_job_detail d JOIN chac_job_runtime_detail r ON r.job_id = d.job_id
      WHERE d.cluster_name = ? AND d.group_name = ? AND d.job_class_name = ? AND d.executor = 'http' ${deleted}`;
    const [counted, rows] = await Promise.all([
      this.dataSource.query<{ total: number | string }[]>(`SELECT COUNT(*) AS total ${from}`, params),
      this.dataSource.query<TaskRow[]>(
        `SELECT ${TASK_COLUMNS} FROM chac_job_detail d
           JOIN chac_job_trigger_detail t ON t.job_id = d.job_id
           JOIN chac_job_runtime_detail r ON r.job_id = d.job_id
          WHERE d.job_id IN (SELECT job_id FROM (
                  SELECT d.job_id ${from} ORDER BY d.create_date DESC, d.job_id DESC LIMIT ? OFFSET ?) page)
          ORDER BY d.create_date DESC, d.job_id DESC`,
        [RunningState.SKIPPED, ...params, query.size, (query.page - 1) * query.size],
      ),
    ]);
    const total = Number(counted[0]?.total ?? 0);
    return {
      page: query.page,
      size: query.size,
      rows: total,
      nextPage: query.page * query.size < total ? query.page + 1 : null,
      content: rows.map(toTask),
    };
  }

  private toJob(taskId: string, task: CreateTaskCommand, attachment: string): PersistJobCommand {
    const common = { startDate: null, endDate: null, repeatCount: -1, timeZone: this.config.timeZone };
    return {
      jobKey: {
        clusterName: XCRON_CLUSTER,
        groupName: XCRON_GROUP,
        jobName: taskId,
        jobClassName: XCRON_JOB_CLASS,
      },
      executor: 'http',
      dependentKeys: [],
      forkKeys: [],
      completionRate: -1,
      description: task.type === XcronType.ONE_SHOT ? 'xcron one-shot task' : 'xcron periodic task',
      email: '',
      // The callback retries itself (CHACONNE_CALLBACK_RETRIES); no job-level re-runs on top.
      retries: 0,
      timeout: -1,
      weight: 100,
      attachment,
      // xcron fires every occurrence, whatever the previous callback is doing.
      runPolicy: { ...DEFAULT_RUN_POLICY, overlapPolicy: OverlapPolicy.ALLOW },
      trigger:
        task.schedule.kind === 'once'
          ? {
              ...common,
              triggerType: TriggerType.SIMPLE,
              triggerDescription: '{}',
              startDate: new Date(task.schedule.atMs),
            }
          : {
              ...common,
              triggerType: TriggerType.CRON,
              triggerDescription: JSON.stringify({ cron: { expression: task.schedule.expression } }),
            },
    };
  }

  private async find(taskId: string): Promise<TaskRow> {
    const rows = await this.dataSource.query<TaskRow[]>(
      `SELECT ${TASK_COLUMNS}
         FROM chac_job_detail d
         JOIN chac_job_trigger_detail t ON t.job_id = d.job_id
         JOIN chac_job_runtime_detail r ON r.job_id = d.job_id
        WHERE d.cluster_name = ? AND d.group_name = ? AND d.job_name = ? AND d.job_class_name = ?
          AND d.executor = 'http'`,
      [RunningState.SKIPPED, XCRON_CLUSTER, XCRON_GROUP, taskId, XCRON_JOB_CLASS],
    );
    const row = rows[0];
    if (!row) {
      throw new XcronError(XcronCode.TASK_NOT_FOUND, ErrorCode.JOB_NOT_FOUND, `no task ${taskId}`, 404, [
        { field: 'task_id', reason: 'no such task' },
      ]);
    }
    return row;
  }
}
