import { ErrorCode } from '@chaconne/contracts';
import { Controller, Get, Logger, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFound } from '../../common/app-error';
import { Public } from '../auth/auth.decorators';

/**
 * The console's built files: `console/` at the root of the @chaconne/manager package (apps/manager/console
 * in the repository; src/ and dist/ are both three levels below it). `npm run build` and the package's
 * prepack fill it (scripts/build-console.js); it is shipped in the package and so in the Docker image.
 */
export const CONSOLE_DIR = join(__dirname, '..', '..', '..', 'console');

function readPage(): string | null {
  try {
    return readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

/** Serves the web console (a placeholder page for now; it holds no data). */
@Controller()
@Public()
export class ConsoleController {
  // A manager without its console still schedules: it says so once and answers 404 on /console/.
  private readonly page = readPage();

  constructor() {
    if (this.page === null) {
      new Logger(ConsoleController.name).warn(
        `no console in ${CONSOLE_DIR} (npm run build puts it there); /console/ answers 404`,
      );
    }
  }

  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/console/', 302);
  }

  @Get('console')
  index(@Res() reply: FastifyReply): void {
    if (this.page === null)
      throw new NotFound(ErrorCode.NOT_FOUND, 'this manager was built without its console');
    void reply.header('content-type', 'text/html; charset=utf-8').send(this.page);
  }
}
