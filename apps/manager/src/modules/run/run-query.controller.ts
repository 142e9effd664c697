import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  type ApiSuccess,
  type JobLog,
  type JobStackTrace,
  type JobTrace,
  type JobTraceDetail,
  type JobTraceWithKey,
  ok,
  type Page,
} from '@chaconne/contracts';
import type { FastifyReply } from 'fastify';
import { parseBody, parseParam } from '../../common/validation';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import {
  lastEventIdSchema,
  selectJobLogSchema,
  selectJobTraceSchema,
  selectRunsSchema,
  tailJobLogQuerySchema,
  traceIdSchema,
} from './dto/run-requests.dto';
import { LogTailService } from './log-tail.service';
import { RunQueryService } from './run-query.service';
import { RunStore } from './run-store.service';

/** Runs and logs of a job, in Chaconne's vocabulary (a run is a "trace"). */
@Controller(['job/admin', 'job/manager'])
export class RunQueryController {
  constructor(
    private readonly jobs: JobDefinitionService,
    private readonly runs: RunStore,
    private readonly queries: RunQueryService,
    private readonly tails: LogTailService,
  ) {}

  /** One run with every timing, its job's key, retries and timeout, and its error message. */
  @Post('getJobTraceDetail')
  @HttpCode(200)
  async getJobTraceDetail(@Body() body: unknown): Promise<ApiSuccess<JobTraceDetail>> {
    return ok(await this.queries.traceDetail(parseBody(traceIdSchema, body).traceId));
  }

  /** Runs of every job, newest first (e.g. the latest failures). */
  @Post('selectRuns')
  @HttpCode(200)
  async selectRuns(@Body() body: unknown): Promise<ApiSuccess<Page<JobTraceWithKey>>> {
    const query = parseBody(selectRunsSchema, body);
    return ok(
      await this.queries.selectRuns({
        clusterName: query.clusterName,
        groupName: query.groupName,
        runningState: query.runningState ?? null,
        from: query.startDate,
        to: query.endDate,
        page: query.page,
        size: query.size,
      }),
    );
  }

  /**
   * The run's log lines as server-sent events, live, until the run has an outcome. Errors
   * before the stream opens (400, 401, 404, 429) are JSON like every admin answer.
   */
  @Get('tailJobLog')
  async tailJobLog(
    @Query() query: unknown,
    @Headers('last-event-id') lastEventId: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { traceId } = parseBody(tailJobLogQuerySchema, query);
    const after = lastEventId === undefined ? 0 : parseParam(lastEventIdSchema, lastEventId, 'Last-Event-ID');
    await this.tails.open(traceId, after, reply);
  }

  @Post('selectJobTrace')
  @HttpCode(200)
  async selectJobTrace(@Body() body: unknown): Promise<ApiSuccess<Page<JobTrace>>> {
    const query = parseBody(selectJobTraceSchema, body);
    const jobId = await this.jobs.getJobId(query.jobKey);
    return ok(
      await this.runs.selectTrace({
        jobId,
        page: query.page,
        size: query.size,
        from: query.startDate,
        to: query.endDate,
        runningState: query.runningState ?? null,
      }),
    );
  }

  /** The failed run's stack trace, a row per line. */
  @Post('selectJobStackTrace')
  @HttpCode(200)
  async selectJobStackTrace(@Body() body: unknown): Promise<ApiSuccess<JobStackTrace[]>> {
    const query = parseBody(selectJobLogSchema, body);
    const jobId = await this.jobs.getJobId(query.jobKey);
    return ok(await this.runs.selectStackTrace(jobId, query.traceId));
  }

  @Post('selectJobLog')
  @HttpCode(200)
  async selectJobLog(@Body() body: unknown): Promise<ApiSuccess<JobLog[]>> {
    const query = parseBody(selectJobLogSchema, body);
    const jobId = await this.jobs.getJobId(query.jobKey);
    return ok(await this.runs.selectLogs(jobId, query.traceId));
  }
}
