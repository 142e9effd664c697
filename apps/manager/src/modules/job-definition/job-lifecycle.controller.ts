import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, type JobState, ok } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { jobStateQuerySchema } from './dto/job-queries.dto';
import { jobKeySchema } from '@chaconne/contracts/definition';
import { JobLifecycleService } from './job-lifecycle.service';
import type { LifecycleAction } from './job-transitions';

/** Chaconne's lifecycle endpoints: each answers the job's new state, or 409 with the current one. */
@Controller(['job/admin', 'job/manager'])
export class JobLifecycleController {
  constructor(private readonly lifecycle: JobLifecycleService) {}

  private async act(body: unknown, action: LifecycleAction): Promise<ApiSuccess<JobState>> {
    return ok(await this.lifecycle.apply(parseBody(jobKeySchema, body), action));
  }

  @Post('pauseJob')
  @HttpCode(200)
  pauseJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'pause');
  }

  @Post('resumeJob')
  @HttpCode(200)
  resumeJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'resume');
  }

  @Post('scheduleJob')
  @HttpCode(200)
  scheduleJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'schedule');
  }

  @Post('unscheduleJob')
  @HttpCode(200)
  unscheduleJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'unschedule');
  }

  /** Chaconne's finish: the job must be unscheduled first. */
  @Post('finishJob')
  @HttpCode(200)
  finishJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'finish');
  }

  /** One call: the schedule is removed and the job ends FINISHED; its history stays. */
  @Post('deleteJob')
  @HttpCode(200)
  deleteJob(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    return this.act(body, 'delete');
  }

  @Post('setJobState')
  @HttpCode(200)
  async setJobState(@Body() body: unknown): Promise<ApiSuccess<JobState>> {
    const query = parseBody(jobStateQuerySchema, body);
    return ok(await this.lifecycle.setState(query.jobKey, query.jobState));
  }
}
