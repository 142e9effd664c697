import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { REDIS } from '../redis/redis.module';

type Probe = 'up' | 'down';

/** Liveness of the manager's dependencies, for load balancers and container health checks. */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const within = <T>(promise: Promise<T>): Promise<Probe> =>
      Promise.race([
        promise.then((): Probe => 'up'),
        new Promise<Probe>((resolve) =>
          setTimeout(() => {
            resolve('down');
          }, 2000).unref(),
        ),
      ]).catch((): Probe => 'down');
    const [mysql, redis] = await Promise.all([
      within(this.dataSource.query('SELECT 1')),
      within(this.redis.ping()),
    ]);
    const up = mysql === 'up' && redis === 'up';
    await reply
      .status(up ? 200 : 503)
      .send({ success: up, msg: up ? 'ok' : 'degraded', data: { mysql, redis } });
  }
}
