import { Module } from '@nestjs/common';
import { JobRuntimeModule } from '../job-runtime/job-runtime.module';
import { StatRollup } from './stat-rollup.service';
import { StatisticsController } from './statistics.controller';
import { StatisticsService } from './statistics.service';

@Module({
  imports: [JobRuntimeModule],
  controllers: [StatisticsController],
  providers: [StatRollup, StatisticsService],
  exports: [StatRollup],
})
export class StatisticsModule {}
