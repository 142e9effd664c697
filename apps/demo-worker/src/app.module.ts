import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ChaconneWorker, ChaconneWorkerModule } from '@chaconne/worker/nest';
import { DEMO_WORKER_CONFIG, demoWorkerOptions, type DemoWorkerConfig } from './demo-worker.config';
import { DemoCronJob } from './jobs/demo-cron.job';
import { EtlJob } from './jobs/etl.job';
import { EvenMinuteJob } from './jobs/even-minute.job';
import { FlakyJob } from './jobs/flaky.job';
import { HealthCheckJob } from './jobs/health-check.job';
import { HelloWorldJob } from './jobs/hello-world.job';
import { SlowJob } from './jobs/slow.job';
import { TerminatingJob } from './jobs/terminating.job';

/**
 * The demo worker: one small job of each style.
 * - `@ChacJob` classes (`DemoCronJob`, `EvenMinuteJob`) and `ManagedJob` subclasses
 *   (`HealthCheckJob`) are providers: the module discovers them;
 * - a class implementing `Job` (`HelloWorldJob`) is added to the injected worker;
 * - dynamic jobs (`NotManagedJob`: `EtlJob`, `TerminatingJob`, `SlowJob`, `FlakyJob`) are
 *   listed by class and scheduled later through `persistJob`.
 */
@Module({})
export class AppModule implements OnModuleInit {
  constructor(private readonly worker: ChaconneWorker) {}

  static forRoot(config: DemoWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ChaconneWorkerModule.forRoot({
          ...demoWorkerOptions(config),
          dynamicJobs: [EtlJob, TerminatingJob, { jobClass: SlowJob, concurrency: 2 }, FlakyJob],
        }),
      ],
      providers: [
        { provide: DEMO_WORKER_CONFIG, useValue: config },
        DemoCronJob,
        EvenMinuteJob,
        HealthCheckJob,
      ],
    };
  }

  /** Runs before the worker registers (that waits for the HTTP server to listen). */
  onModuleInit(): void {
    this.worker.addJob(new HelloWorldJob());
  }
}
