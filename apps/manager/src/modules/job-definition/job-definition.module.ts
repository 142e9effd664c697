import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module';
import { JobDefinitionController } from './job-definition.controller';
import { JobDefinitionService } from './job-definition.service';

@Module({
  imports: [ScheduleModule],
  controllers: [JobDefinitionController],
  providers: [JobDefinitionService],
  exports: [JobDefinitionService],
})
export class JobDefinitionModule {}
