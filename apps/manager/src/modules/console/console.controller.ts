import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/auth.decorators';

/** apps/console's built files; the same relative place in the repo and in the Docker image. */
const CONSOLE_DIR = join(__dirname, '..', '..', '..', '..', 'console', 'public');

/** Serves the web console (a placeholder page for now; it holds no data). */
@Controller()
@Public()
export class ConsoleController {
  private readonly page = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');

  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/console/', 302);
  }

  @Get('console')
  index(@Res() reply: FastifyReply): void {
    void reply.header('content-type', 'text/html; charset=utf-8').send(this.page);
  }
}
