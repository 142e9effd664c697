import { Module } from '@nestjs/common';
import { JobRuntimeModule } from '../job-runtime/job-runtime.module';
import { FireQueue } from './fire-queue.service';
import { ReconcilerService } from './reconciler.service';
import { ScheduleSyncService } from './schedule-sync.service';

@Module({
  imports: [JobRuntimeModule],
  providers: [FireQueue, ScheduleSyncService, ReconcilerService],
  exports: [FireQueue, ScheduleSyncService],
})
export class ScheduleModule {}
