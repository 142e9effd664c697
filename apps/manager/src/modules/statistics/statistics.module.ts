import { Module } from '@nestjs/common';
import { StatRollup } from './stat-rollup.service';

@Module({
  providers: [StatRollup],
  exports: [StatRollup],
})
export class StatisticsModule {}
