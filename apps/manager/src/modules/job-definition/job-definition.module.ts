import { Module } from '@nestjs/common';
import { JobRuntimeModule } from '../job-runtime/job-runtime.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { JobDefinitionController } from './job-definition.controller';
import { JobDefinitionService } from './job-definition.service';
import { JobLifecycleController } from './job-lifecycle.controller';
import { JobLifecycleService } from './job-lifecycle.service';
import { JobQueryController } from './job-query.controller';
import { JobQueryService } from './job-query.service';

@Module({
  imports: [ScheduleModule, JobRuntimeModule],
  controllers: [JobDefinitionController, JobQueryController, JobLifecycleController],
  providers: [JobDefinitionService, JobQueryService, JobLifecycleService],
  exports: [JobDefinitionService, JobLifecycleService],
})
export class JobDefinitionModule {}
