import { Module } from '@nestjs/common';
import { FireQueue } from './fire-queue.service';
import { ReconcilerService } from './reconciler.service';
import { ScheduleSyncService } from './schedule-sync.service';

@Module({
  providers: [FireQueue, ScheduleSyncService, ReconcilerService],
  exports: [FireQueue, ScheduleSyncService],
})
export class ScheduleModule {}
