import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, ok } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import { triggerJobSchema } from './dto/run-requests.dto';
import { FireService } from './fire.service';

/** Chaconne's triggerJob: run a job now, outside its schedule; answers the run (trace) id. */
@Controller(['job/admin', 'job/manager'])
export class RunTriggerController {
  constructor(
    private readonly jobs: JobDefinitionService,
    private readonly fire: FireService,
  ) {}

  @Post('triggerJob')
  @HttpCode(200)
  async triggerJob(@Body() body: unknown): Promise<ApiSuccess<number>> {
    const request = parseBody(triggerJobSchema, body);
    this.jobs.checkAttachmentSize(request.attachment);
    const jobId = await this.jobs.getJobId(request.jobKey);
    return ok(await this.fire.runNow(jobId, request.attachment, request.force ?? false));
  }
}
