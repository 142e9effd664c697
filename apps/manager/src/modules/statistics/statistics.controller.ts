import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, ok, type Page } from '@chaconne/contracts';
import { checked, parseBody, partCheck, validateBody } from '../../common/validation';
import {
  jobStatPageQuerySchema,
  jobStatQuerySchema,
  jobStateCountQuerySchema,
  statRangeSchema,
} from './dto/statistics-query.dto';
import { StatisticsService } from './statistics.service';
import type { JobStat, JobStatByJob, JobStatDetail, JobStateCount } from '@chaconne/contracts';

/**
 * Chaconne's statistics endpoints (reference §3.2, §7). Admin token required, like every
 * admin route; `/job/manager/*` serves clients written against the original.
 */
@Controller(['job/admin', 'job/manager'])
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Post('selectJobStatByDay')
  @HttpCode(200)
  async selectJobStatByDay(@Body() body: unknown): Promise<ApiSuccess<JobStatDetail[]>> {
    return ok(await this.statistics.byDay(parseBody(jobStatQuerySchema, body)));
  }

  @Post('selectJobStatByMonth')
  @HttpCode(200)
  async selectJobStatByMonth(@Body() body: unknown): Promise<ApiSuccess<JobStatDetail[]>> {
    return ok(await this.statistics.byMonth(parseBody(jobStatQuerySchema, body)));
  }

  @Post('selectJobStatById')
  @HttpCode(200)
  async selectJobStatById(@Body() body: unknown): Promise<ApiSuccess<Page<JobStatByJob>>> {
    const query = validateBody(
      jobStatPageQuerySchema,
      body,
      (q) => checked(q, this.statistics.rangeProblems(q)),
      [partCheck(statRangeSchema, (range) => this.statistics.rangeProblems(range))],
    );
    return ok(await this.statistics.byJob(query));
  }

  @Post('selectJobStateCount')
  @HttpCode(200)
  async selectJobStateCount(@Body() body: unknown): Promise<ApiSuccess<JobStateCount[]>> {
    return ok(await this.statistics.stateCounts(parseBody(jobStateCountQuerySchema, body)));
  }

  @Post('selectJobStat')
  @HttpCode(200)
  async selectJobStat(@Body() body: unknown): Promise<ApiSuccess<JobStat>> {
    return ok(await this.statistics.totals(parseBody(jobStatQuerySchema, body)));
  }
}
