import { Body, Controller, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { xcronOk, type XcronResponse } from './xcron-codes';
import { XcronExceptionFilter } from './xcron-exception.filter';
import { readJsonBody, readTaskId, readTaskListQuery } from './xcron-task.dto';
import type { Page, XcronTask } from '@chaconne/contracts';
import { XcronTaskService } from './xcron-task.service';

/**
 * xcron's HTTP API (alwaysthanks/xcron README §5): HTTP callback tasks. Admin bearer auth
 * applies as on every admin route. Answers `{ uuid, code, message?, data? }`; see
 * xcron-codes.ts for the codes.
 */
@Controller('xcron')
@UseFilters(XcronExceptionFilter)
export class XcronController {
  constructor(private readonly tasks: XcronTaskService) {}

  @Post('createTask')
  @HttpCode(200)
  async createTask(@Body() body: unknown): Promise<XcronResponse<{ task_id: string }>> {
    const { taskId, warnings } = await this.tasks.create(readJsonBody(body));
    return xcronOk({ task_id: taskId }, warnings);
  }

  @Post('deleteTask')
  @HttpCode(200)
  async deleteTask(@Body() body: unknown): Promise<XcronResponse> {
    await this.tasks.delete(readTaskId(readJsonBody(body)));
    return xcronOk();
  }

  @Get('queryTask')
  async queryTask(@Query() query: Record<string, unknown>): Promise<XcronResponse<XcronTask>> {
    return xcronOk(await this.tasks.query(readTaskId(query)));
  }

  /** Not in xcron's README: a page of tasks, newest first, for the console. */
  @Get('listTasks')
  async listTasks(@Query() query: Record<string, unknown>): Promise<XcronResponse<Page<XcronTask>>> {
    return xcronOk(await this.tasks.list(readTaskListQuery(query)));
  }
}
