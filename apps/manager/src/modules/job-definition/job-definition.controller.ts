import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, ok } from '@chaconne/contracts';
import { AdminActor } from '../auth/auth.decorators';
import { JobDefinitionService } from './job-definition.service';

/** Chaconne's job admin endpoints; `/job/manager/*` serves clients written against the original. */
@Controller(['job/admin', 'job/manager'])
export class JobDefinitionController {
  constructor(private readonly jobs: JobDefinitionService) {}

  /** Create or update a job by JobKey; answers the job id. */
  @Post('persistJob')
  @HttpCode(200)
  async persistJob(@Body() body: unknown, @AdminActor() actor: string): Promise<ApiSuccess<number>> {
    const { jobId } = await this.jobs.persist(this.jobs.validate(body), { source: 'api', actor });
    return ok(jobId);
  }
}
