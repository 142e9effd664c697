import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type ApiSuccess, type HeartbeatResponse, ok, type RegisterResponse } from '@chaconne/contracts';
import { parseBody } from '../../common/validation';
import { deregisterSchema, heartbeatSchema, registerSchema } from './dto/worker-requests.dto';
import { WorkerAuth } from './worker-auth.decorator';
import { WorkerRegistryService } from './worker-registry.service';

/** Worker -> manager: register, heartbeat, deregister (DESIGN.md §5). Signed requests only. */
@Controller('worker')
@WorkerAuth()
export class WorkerRegistryController {
  constructor(private readonly registry: WorkerRegistryService) {}

  @Post('register')
  @HttpCode(200)
  async register(@Body() body: unknown): Promise<ApiSuccess<RegisterResponse>> {
    return ok(await this.registry.register(parseBody(registerSchema, body)));
  }

  @Post('heartbeat')
  @HttpCode(200)
  async heartbeat(@Body() body: unknown): Promise<ApiSuccess<HeartbeatResponse>> {
    const beat = parseBody(heartbeatSchema, body);
    return ok(await this.registry.heartbeat(beat.instanceId, beat));
  }

  @Post('deregister')
  @HttpCode(200)
  async deregister(@Body() body: unknown): Promise<ApiSuccess<null>> {
    await this.registry.deregister(parseBody(deregisterSchema, body).instanceId);
    return ok(null);
  }
}
