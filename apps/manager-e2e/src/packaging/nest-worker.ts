import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { JobContext, NotManagedJob } from '@chaconne/worker';
import { ChaconneWorkerModule } from '@chaconne/worker/nest';

class ReportJob implements NotManagedJob {
  execute(ctx: JobContext): void {
    ctx.log.info('rendering the report {}', ctx.attachment); // stored with the run (selectJobLog)
  }
}

@Module({
  imports: [
    ChaconneWorkerModule.forRoot({
      managerUrl: process.env.CHACONNE_MANAGER_URL ?? 'http://127.0.0.1:6543',
      secret: process.env.CHACONNE_SECRET ?? '', // the manager's CHACONNE_SECRET
      clusterName: 'shop',
      groupName: 'reports',
      baseUrl: process.env.CHACONNE_WORKER_BASE_URL, // how the manager reaches this service; detected if unset
      dynamicJobs: [ReportJob], // dynamic jobs: defined and scheduled in the manager
    }),
  ],
})
class AppModule {}

void NestFactory.create(AppModule).then(async (app) => {
  app.enableShutdownHooks(); // on SIGTERM the worker drains its runs and deregisters
  await app.listen(Number(process.env.PORT ?? 3000)); // registers once listening
});
