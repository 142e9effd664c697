import { Module } from '@nestjs/common';
import { AlertModule } from '../alert/alert.module';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { JobRuntimeModule } from '../job-runtime/job-runtime.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { WorkerRegistryModule } from '../worker-registry/worker-registry.module';
import { AheadRunCanceller } from './ahead-cancel.service';
import { FireService } from './fire.service';
import { InManagerRunners } from './in-manager-runners';
import { LogTailService } from './log-tail.service';
import { RunQueryService } from './run-query.service';
import { RunDispatcher } from './run-dispatcher.service';
import { RunLauncher } from './run-launcher.service';
import { JobCompletion } from './job-completion.service';
import { RunOutcomes } from './run-outcomes.service';
import { RunSlots } from './run-slots.service';
import { RunIntakeController } from './run-intake.controller';
import { RunQueryController } from './run-query.controller';
import { RunTriggerController } from './run-trigger.controller';
import { RunStore } from './run-store.service';
import { RunSweeper } from './run-sweeper.service';

@Module({
  imports: [
    AlertModule,
    ScheduleModule,
    JobDefinitionModule,
    JobRuntimeModule,
    WorkerRegistryModule,
    StatisticsModule,
  ],
  controllers: [RunIntakeController, RunQueryController, RunTriggerController],
  providers: [
    RunStore,
    RunQueryService,
    LogTailService,
    RunSlots,
    RunDispatcher,
    JobCompletion,
    RunOutcomes,
    RunLauncher,
    FireService,
    RunSweeper,
    InManagerRunners,
    AheadRunCanceller,
  ],
  exports: [InManagerRunners],
})
export class RunModule {}
