import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type ApiSuccess, ok, RunningState } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { WorkerAuth } from '../auth/auth.decorators';
import { logBatchSchema, runIdParam, runReportSchema } from './dto/run-requests.dto';
import { RunOutcomes } from './run-outcomes.service';
import { RunStore } from './run-store.service';

/** The error name the SDK gives a handler stopped by its timeout. */
const TIMEOUT_ERROR = 'TimeoutError';

/** Worker -> manager: log batches and outcomes of runs. Signed requests only; idempotent. */
@Controller('worker/runs')
@WorkerAuth()
export class RunIntakeController {
  constructor(
    private readonly runs: RunStore,
    private readonly outcomes: RunOutcomes,
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
    const timedOut = report.runningState === RunningState.FAILED && report.error?.name === TIMEOUT_ERROR;
    const { accepted } = await this.outcomes.record(
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
      { fromInstance: report.instanceId, failure: timedOut ? 'timeout' : 'execution' },
    );
    return ok({ accepted });
  }
}
