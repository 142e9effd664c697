import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ManagerLogger } from './common/manager-logger';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './http-app';
import { NoAdminToken } from './modules/auth/api-token.service';
import { loadConfig, logLevelsUpTo } from './config/manager-config';
import type { SqlFlavor } from './database/data-source-options';
import { checkRedis, DependencyUnreachable, prepareDatabase } from './preflight';

async function bootstrap(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    console.error(`Invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exit(1);
  }
  const config = loaded.config;
  // Installed before anything logs, so every line (ours and Nest's) goes through it.
  const managerLogger = new ManagerLogger({ logLevels: logLevelsUpTo(config.logLevel) });
  Logger.overrideLogger(managerLogger);
  const logger = new Logger('Manager');

  let flavor: SqlFlavor;
  try {
    const warning = await checkRedis(config);
    if (warning) logger.warn(warning);
    flavor = (await prepareDatabase(config)).flavor;
  } catch (error) {
    if (error instanceof DependencyUnreachable) {
      console.error(`Cannot start the Chaconne manager.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, flavor),
    createHttpAdapter(),
    { ...APP_OPTIONS, logger: managerLogger },
  );
  configureApp(app);
  app.enableShutdownHooks();
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    if (error instanceof NoAdminToken) {
      console.error(`Cannot start the Chaconne manager.\n${error.message}`);
      await app.close();
      process.exit(1);
    }
    throw error;
  }

  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  // One line each: the logger writes every message on one line, escaping line breaks.
  for (const line of [
    'Chaconne manager ready',
    `  Admin API  ${base}/job/admin/`,
    `  API docs   ${base}/docs`,
    `  Console    ${base}/console/`,
    `  Health     ${base}/health`,
  ])
    logger.log(line);
}

/** `chaconne-manager start`: runs the manager until SIGTERM or SIGINT; exits with status 1 if it cannot start. */
export function startManager(): void {
  bootstrap().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

// The repository's tests and benchmarks also start the manager with `node apps/manager/dist/main.js`.
if (require.main === module) startManager();
