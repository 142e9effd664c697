import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChaconneWorker } from '@chaconne/worker/nest';
import { AppModule } from './app.module';
import { listeningUrl, loadDemoWorkerConfig } from './demo-worker.config';

async function bootstrap(): Promise<void> {
  const config = loadDemoWorkerConfig();
  const app = await NestFactory.create(AppModule.forRoot(config));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const worker = app.get(ChaconneWorker);
  // The address the server really bound (Nest's getUrl() names a loopback address whatever the binding).
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  new Logger('DemoWorker').log(
    `listening on ${listeningUrl(address)}; the manager at ${config.managerUrl} reaches it at ${worker.baseUrl ?? '(not registered yet)'}`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error('demo-worker failed to start:', error);
  process.exit(1);
});
