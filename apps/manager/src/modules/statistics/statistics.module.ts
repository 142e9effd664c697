import { Module } from '@nestjs/common';
import { StatRollup } from './stat-rollup.service';
import { StatisticsController } from './statistics.controller';
import { StatisticsService } from './statistics.service';

@Module({
  controllers: [StatisticsController],
  providers: [StatRollup, StatisticsService],
  exports: [StatRollup],
})
export class StatisticsModule {}
