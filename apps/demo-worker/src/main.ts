import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChaconneWorker } from '@chaconne/worker/nest';
import { AppModule } from './app.module';
import { loadDemoWorkerConfig } from './demo-worker.config';

async function bootstrap(): Promise<void> {
  const config = loadDemoWorkerConfig();
  const app = await NestFactory.create(AppModule.forRoot(config));
  app.enableShutdownHooks();
  await app.listen(config.port);
  const worker = app.get(ChaconneWorker);
  new Logger('DemoWorker').log(
    `listening on ${await app.getUrl()}; the manager at ${config.managerUrl} reaches it at ${worker.baseUrl ?? '(not registering)'}`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error('demo-worker failed to start:', error);
  process.exit(1);
});
