import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  type ApiSuccess,
  type JobLog,
  type JobStackTrace,
  type JobTrace,
  ok,
  type Page,
} from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import { selectJobLogSchema, selectJobTraceSchema } from './dto/run-requests.dto';
import { RunStore } from './run-store.service';

/** Runs and logs of a job, in Chaconne's vocabulary (a run is a "trace"). */
@Controller(['job/admin', 'job/manager'])
export class RunQueryController {
  constructor(
    private readonly jobs: JobDefinitionService,
    private readonly runs: RunStore,
  ) {}

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
