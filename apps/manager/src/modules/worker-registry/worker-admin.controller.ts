import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, ok, type WorkerOverview } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { selectWorkersSchema } from './dto/worker-requests.dto';
import { WorkerOverviewService } from './worker-overview.service';

/** The worker instances, for operators (admin token, like every admin route). */
@Controller(['job/admin', 'job/manager'])
export class WorkerAdminController {
  constructor(private readonly overview: WorkerOverviewService) {}

  @Post('selectWorkers')
  @HttpCode(200)
  async selectWorkers(@Body() body: unknown): Promise<ApiSuccess<WorkerOverview>> {
    return ok(await this.overview.overview(parseBody(selectWorkersSchema, body)));
  }
}
