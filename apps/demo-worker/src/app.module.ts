import { Module, type DynamicModule } from '@nestjs/common';
import { ChaconneWorkerModule } from '@chaconne/worker/nest';
import { DEMO_WORKER_CONFIG, type DemoWorkerConfig } from './demo-worker.config';
import { DemoCronJob } from './jobs/demo-cron.job';
import { EtlJob } from './jobs/etl.job';

@Module({})
export class AppModule {
  static forRoot(config: DemoWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ChaconneWorkerModule.forRoot({
          managerUrl: config.managerUrl,
          secret: config.secret,
          clusterName: config.clusterName,
          groupName: config.groupName,
          ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
          dynamicJobs: [EtlJob],
        }),
      ],
      providers: [{ provide: DEMO_WORKER_CONFIG, useValue: config }, DemoCronJob],
    };
  }
}
