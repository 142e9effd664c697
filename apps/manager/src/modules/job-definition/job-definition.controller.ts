import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, type JobDetail, ok } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { jobKeySchema } from './dto/persist-job.dto';
import { JobDefinitionService } from './job-definition.service';

/** Chaconne's job admin endpoints; `/job/manager/*` serves clients written against the original. */
@Controller(['job/admin', 'job/manager'])
export class JobDefinitionController {
  constructor(private readonly jobs: JobDefinitionService) {}

  /** Create or update a job by JobKey; answers the job id. */
  @Post('persistJob')
  @HttpCode(200)
  async persistJob(@Body() body: unknown): Promise<ApiSuccess<number>> {
    const { jobId } = await this.jobs.persist(this.jobs.validate(body));
    return ok(jobId);
  }

  @Post('getJobDetail')
  @HttpCode(200)
  async getJobDetail(@Body() body: unknown): Promise<ApiSuccess<JobDetail>> {
    return ok(await this.jobs.getJobDetail(parseBody(jobKeySchema, body)));
  }
}
