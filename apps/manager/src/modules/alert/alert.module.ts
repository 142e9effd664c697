import { Module } from '@nestjs/common';
import { AlertService } from './alert.service';

export { AlertService } from './alert.service';
export type { AlertEvent, AlertStats, RunAlert } from './alert.service';

/**
 * E-mail alerts about runs (reference §16). Needs only the manager config (global); the
 * run module imports this module and injects {@link AlertService}.
 */
@Module({
  providers: [AlertService],
  exports: [AlertService],
})
export class AlertModule {}
