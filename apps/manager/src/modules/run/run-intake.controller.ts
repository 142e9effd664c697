import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  type ApiSuccess,
  ok,
  RunningState,
  type RunReportBatchResults,
  type RunReportResult,
} from '@chaconne/contracts';
import type { z } from 'zod';
import { AppError } from '../../common/app-error';
import { parseBody, parseParam } from '../../common/validation';
import { WorkerAuth } from '../worker-registry/worker-auth.decorator';
import {
  batchedRunReportSchema,
  logBatchSchema,
  runIdParam,
  runReportBatchSchema,
  runReportSchema,
} from './dto/run-requests.dto';
import { RunOutcomes } from './run-outcomes.service';
import { RunStore } from './run-store.service';

/** The error name the SDK gives a handler stopped by its timeout. */
const TIMEOUT_ERROR = 'TimeoutError';

/** Worker -> manager: log batches and outcomes of runs. Signed requests only; idempotent. */
@Controller('worker')
@WorkerAuth()
export class RunIntakeController {
  constructor(
    private readonly runs: RunStore,
    private readonly outcomes: RunOutcomes,
  ) {}

  @Post('runs/:runId/logs')
  @HttpCode(200)
  async logs(@Param('runId') runId: string, @Body() body: unknown): Promise<ApiSuccess<{ stored: number }>> {
    const id = parseParam(runIdParam, runId, 'runId');
    const batch = parseBody(logBatchSchema, body);
    return ok({
      stored: await this.runs.appendLogs(id, batch.lines, batch.dropped),
    });
  }

  @Post('runs/:runId/report')
  @HttpCode(200)
  async report(
    @Param('runId') runId: string,
    @Body() body: unknown,
  ): Promise<ApiSuccess<{ accepted: boolean }>> {
    const id = parseParam(runIdParam, runId, 'runId');
    return ok(await this.record(id, parseBody(runReportSchema, body)));
  }

  /**
   * Several outcomes in one request: the SDK sends the reports that pile up while a request
   * is under way together. Each report succeeds or fails on its own, with the status and
   * code the single-report route would answer; a fault of the manager's own (5xx) fails the
   * whole batch, and the SDK sends it again (recording is idempotent).
   */
  @Post('reports')
  @HttpCode(200)
  async reports(@Body() body: unknown): Promise<ApiSuccess<RunReportBatchResults>> {
    const batch = parseBody(runReportBatchSchema, body);
    return ok({ results: await Promise.all(batch.reports.map((item) => this.recordBatched(item))) });
  }

  private async recordBatched(item: unknown): Promise<RunReportResult> {
    const claimed = (item as { runId?: unknown } | null)?.runId;
    const runId = typeof claimed === 'number' ? claimed : 0;
    try {
      const report = parseBody(batchedRunReportSchema, item);
      return { runId, ...(await this.record(report.runId, report)) };
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        return { runId, error: { status: error.status, code: error.code, msg: error.message } };
      }
      throw error;
    }
  }

  private async record(
    runId: number,
    report: z.output<typeof runReportSchema>,
  ): Promise<{ accepted: boolean }> {
    const failed = report.runningState === RunningState.FAILED;
    const timedOut = failed && report.error?.name === TIMEOUT_ERROR;
    const { accepted } = await this.outcomes.record(
      runId,
      {
        runningState: report.runningState,
        reason: report.reason ?? report.error?.message ?? null,
        // ISO-8601 dates: the schema refuses anything else.
        startedAt: new Date(report.startedAt),
        finishedAt: new Date(report.finishedAt),
        result: report.result === undefined ? null : JSON.stringify(report.result),
        errorMessage: report.error ? `${report.error.name}: ${report.error.message}` : null,
        errorStack: report.error?.stack ?? null,
      },
      {
        fromInstance: report.instanceId,
        failure: failed && report.retryable === false ? 'non-retryable' : timedOut ? 'timeout' : 'execution',
      },
    );
    return { accepted };
  }
}
