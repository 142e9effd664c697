import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  type ApiSuccess,
  type JobDetail,
  type JobKey,
  type JobRuntimeDetail,
  type JobTriggerDetail,
  ok,
  type Page,
} from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import {
  jobHistoryQuerySchema,
  jobKeysQuerySchema,
  jobStateQuerySchema,
  relationsQuerySchema,
  selectJobDetailSchema,
} from './dto/job-queries.dto';
import { jobKeySchema } from '@chaconne/contracts/definition';
import type { JobHistoryRecord, TriggerPreview } from '@chaconne/contracts';
import { JobDefinitionService } from './job-definition.service';
import { JobQueryService } from './job-query.service';

/** Chaconne's job queries, under `/job/admin/*` and `/job/manager/*`. */
@Controller(['job/admin', 'job/manager'])
export class JobQueryController {
  constructor(
    private readonly queries: JobQueryService,
    private readonly jobs: JobDefinitionService,
  ) {}

  @Post('hasJob')
  @HttpCode(200)
  async hasJob(@Body() body: unknown): Promise<ApiSuccess<boolean>> {
    return ok(await this.queries.hasJob(parseBody(jobKeySchema, body)));
  }

  @Post('hasJobState')
  @HttpCode(200)
  async hasJobState(@Body() body: unknown): Promise<ApiSuccess<boolean>> {
    const query = parseBody(jobStateQuerySchema, body);
    const runtime = await this.queries.getRuntimeDetail(query.jobKey);
    return ok(runtime.jobState === query.jobState);
  }

  @Post('getJobId')
  @HttpCode(200)
  async getJobId(@Body() body: unknown): Promise<ApiSuccess<number>> {
    return ok(await this.jobs.getJobId(parseBody(jobKeySchema, body)));
  }

  @Post('getJobDetail')
  @HttpCode(200)
  async getJobDetail(@Body() body: unknown): Promise<ApiSuccess<JobDetail>> {
    return ok(await this.jobs.getJobDetail(parseBody(jobKeySchema, body)));
  }

  @Post('getJobTriggerDetail')
  @HttpCode(200)
  async getJobTriggerDetail(@Body() body: unknown): Promise<ApiSuccess<JobTriggerDetail>> {
    return ok(await this.queries.getTriggerDetail(parseBody(jobKeySchema, body)));
  }

  @Post('getJobRuntimeDetail')
  @HttpCode(200)
  async getJobRuntimeDetail(@Body() body: unknown): Promise<ApiSuccess<JobRuntimeDetail>> {
    return ok(await this.queries.getRuntimeDetail(parseBody(jobKeySchema, body)));
  }

  @Post('getJobKeys')
  @HttpCode(200)
  async getJobKeys(@Body() body: unknown): Promise<ApiSuccess<JobKey[]>> {
    return ok(await this.queries.getJobKeys(parseBody(jobKeysQuerySchema, body)));
  }

  @Post('selectJobDetail')
  @HttpCode(200)
  async selectJobDetail(@Body() body: unknown): Promise<ApiSuccess<Page<JobDetail>>> {
    return ok(await this.queries.selectJobDetail(parseBody(selectJobDetailSchema, body)));
  }

  /** GET as in Chaconne; POST for clients that send every query as POST. */
  @Get('selectClusterNames')
  async selectClusterNames(): Promise<ApiSuccess<string[]>> {
    return ok(await this.queries.selectClusterNames());
  }

  @Post('selectClusterNames')
  @HttpCode(200)
  async selectClusterNamesPost(): Promise<ApiSuccess<string[]>> {
    return ok(await this.queries.selectClusterNames());
  }

  /** The next fire times of a trigger in its time zone and in UTC, or why it is invalid. */
  @Post('previewTrigger')
  @HttpCode(200)
  previewTrigger(@Body() body: unknown): ApiSuccess<TriggerPreview> {
    return ok(this.queries.previewTrigger(body));
  }

  @Post('hasRelations')
  @HttpCode(200)
  async hasRelations(@Body() body: unknown): Promise<ApiSuccess<boolean>> {
    const query = parseBody(relationsQuerySchema, body);
    return ok((await this.jobs.relations(query.jobKey, query.dependencyType)).length > 0);
  }

  /** Downstream jobs: the jobs that depend on this one. */
  @Post('getRelations')
  @HttpCode(200)
  async getRelations(@Body() body: unknown): Promise<ApiSuccess<JobKey[]>> {
    const query = parseBody(relationsQuerySchema, body);
    return ok(await this.jobs.relations(query.jobKey, query.dependencyType));
  }

  /** Upstream jobs: the jobs this one depends on (for PARALLEL: its fork children). */
  @Post('getDependentKeys')
  @HttpCode(200)
  async getDependentKeys(@Body() body: unknown): Promise<ApiSuccess<JobKey[]>> {
    const query = parseBody(relationsQuerySchema, body);
    return ok(await this.jobs.dependentKeys(query.jobKey, query.dependencyType));
  }

  /** Who changed the job's definition, when, and what changed; newest first. */
  @Post('selectJobHistory')
  @HttpCode(200)
  async selectJobHistory(@Body() body: unknown): Promise<ApiSuccess<Page<JobHistoryRecord>>> {
    const query = parseBody(jobHistoryQuerySchema, body);
    return ok(await this.jobs.history(query.jobKey, query.page, query.size));
  }
}
