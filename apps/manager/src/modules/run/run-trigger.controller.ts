import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, ok, type RunningState } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { AdminActor } from '../auth/auth.decorators';
import { JobDefinitionService } from '../job-definition/job-definition.service';
import { cancelRunSchema, triggerJobSchema } from './dto/run-requests.dto';
import { FireService } from './fire.service';
import { RunOutcomes } from './run-outcomes.service';

/**
 * Chaconne's triggerJob: run a job now, outside its schedule; answers the run (trace) id.
 * cancelRun: stop a run in flight.
 */
@Controller(['job/admin', 'job/manager'])
export class RunTriggerController {
  constructor(
    private readonly jobs: JobDefinitionService,
    private readonly fire: FireService,
    private readonly outcomes: RunOutcomes,
  ) {}

  @Post('triggerJob')
  @HttpCode(200)
  async triggerJob(@Body() body: unknown): Promise<ApiSuccess<number>> {
    const request = parseBody(triggerJobSchema, body);
    this.jobs.checkAttachmentSize(request.attachment);
    const jobId = await this.jobs.getJobId(request.jobKey);
    return ok(await this.fire.runNow(jobId, request.attachment, request.force ?? false));
  }

  @Post('cancelRun')
  @HttpCode(200)
  async cancelRun(@Body() body: unknown, @AdminActor() actor: string): Promise<ApiSuccess<RunningState>> {
    const request = parseBody(cancelRunSchema, body);
    return ok(await this.outcomes.cancelByOperator(request.traceId, actor, request.reason ?? null));
  }
}
