import { ErrorCode } from '@chaconne/contracts';
import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { join } from 'node:path';
import { NotFound } from '../../common/app-error';
import { Public } from '../auth/auth.decorators';
import { ConsoleFiles } from './console-files';
import {
  CONSOLE_FILE_POLICY,
  CONSOLE_HEADERS,
  consolePagePolicy,
  IMMUTABLE,
  newNonce,
  NO_CACHE,
} from './console-security';

/**
 * The console's built files: `console/` at the root of the @chaconne/manager package (apps/manager/console
 * in the repository; src/ and dist/ are both three levels below it). `npm run build` and the package's
 * prepack fill it (scripts/build-console.js); it is shipped in the package and so in the Docker image.
 */
export const CONSOLE_DIR = join(__dirname, '..', '..', '..', 'console');

/** Where Vite puts the hashed files: a path under it is a file or a 404, never the page. */
const ASSETS_PREFIX = 'assets/';

/**
 * Serves the web console: its files from memory (read once at start), and index.html for
 * every other path under /console/, which the console's router resolves (/console/runs/12).
 * Open without a token: the files hold no data; the console signs in to the API itself.
 */
@Controller()
@Public()
export class ConsoleController {
  // A manager without its console still schedules: it says so once and answers 404 on /console/.
  private readonly files: ConsoleFiles | null;

  constructor() {
    const logger = new Logger(ConsoleController.name);
    const loaded = ConsoleFiles.load(CONSOLE_DIR);
    if (typeof loaded === 'string') {
      logger.warn(`${loaded}; /console/ answers 404`);
      this.files = null;
      return;
    }
    if (!loaded.pageTakesNonce)
      logger.warn('the console page has no CSP nonce placeholder: its styles will be refused');
    this.files = loaded;
  }

  /** `/` sends a browser to the console. */
  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/console/', 302);
  }

  @Get('console')
  index(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @Get('console/*')
  file(@Param('*') path: string, @Res() reply: FastifyReply): void {
    const files = this.built();
    const file = files.file(path);
    if (file) {
      void reply
        .headers(CONSOLE_HEADERS)
        .header('content-security-policy', CONSOLE_FILE_POLICY)
        .header('cache-control', path.startsWith(ASSETS_PREFIX) ? IMMUTABLE : NO_CACHE)
        .type(file.contentType)
        .send(file.body);
      return;
    }
    if (path.startsWith(ASSETS_PREFIX) || path === 'assets')
      throw new NotFound(ErrorCode.NOT_FOUND, `the console has no file ${path}`);
    this.sendPage(reply);
  }

  private built(): ConsoleFiles {
    if (this.files === null)
      throw new NotFound(ErrorCode.NOT_FOUND, 'this manager was built without its console');
    return this.files;
  }

  /** index.html with a fresh nonce in its CSP and in its csp-nonce meta element. */
  private sendPage(reply: FastifyReply): void {
    const page = this.built();
    const nonce = newNonce();
    void reply
      .headers(CONSOLE_HEADERS)
      .header('content-security-policy', consolePagePolicy(nonce))
      .header('cache-control', NO_CACHE)
      .type('text/html; charset=utf-8')
      .send(page.page(nonce));
  }
}
