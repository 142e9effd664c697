import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type ApiSuccess, ok, RunningState } from '@chaconne/contracts';
import { JobLifecycleService } from '../job-definition/job-lifecycle.service';
import { parseBody } from '../../common/validation';
import { WorkerAuth } from '../auth/auth.decorators';
import { logBatchSchema, runIdParam, runReportSchema } from './dto/run-requests.dto';
import { RunStore } from './run-store.service';

/** Worker -> manager: log batches and outcomes of runs. Signed requests only; idempotent. */
@Controller('worker/runs')
@WorkerAuth()
export class RunIntakeController {
  constructor(
    private readonly runs: RunStore,
    private readonly lifecycle: JobLifecycleService,
  ) {}

  @Post(':runId/logs')
  @HttpCode(200)
  async logs(@Param('runId') runId: string, @Body() body: unknown): Promise<ApiSuccess<{ stored: number }>> {
    const batch = parseBody(logBatchSchema, body);
    return ok({
      stored: await this.runs.appendLogs(parseBody(runIdParam, runId), batch.lines, batch.dropped),
    });
  }

  @Post(':runId/report')
  @HttpCode(200)
  async report(
    @Param('runId') runId: string,
    @Body() body: unknown,
  ): Promise<ApiSuccess<{ accepted: boolean }>> {
    const report = parseBody(runReportSchema, body);
    const started = new Date(report.startedAt);
    const finished = new Date(report.finishedAt);
    const { finished: accepted, jobId } = await this.runs.finish(
      parseBody(runIdParam, runId),
      {
        runningState: report.runningState,
        reason: report.reason ?? report.error?.message ?? null,
        startedAt: Number.isNaN(started.getTime()) ? null : started,
        finishedAt: Number.isNaN(finished.getTime()) ? new Date() : finished,
        result: report.result === undefined ? null : JSON.stringify(report.result),
        errorMessage: report.error ? `${report.error.name}: ${report.error.message}` : null,
        errorStack: report.error?.stack ?? null,
      },
      report.instanceId,
    );
    // The handler terminated its job (Chaconne's JobTerminationException): finish it for good.
    if (accepted && report.runningState === RunningState.FINISHED) {
      await this.lifecycle.applyById(jobId, 'terminate', `job ${jobId} (terminated by run ${runId})`);
    }
    return ok({ accepted });
  }
}
