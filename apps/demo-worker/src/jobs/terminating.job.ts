import { JobTerminationError, type JobContext, type NotManagedJob } from '@chaconne/worker';
import { attachmentField } from './attachment';

/**
 * A dynamic job that ends itself for good (Chaconne's `JobTerminationException`): with the
 * attachment `{"terminate": true}` it throws `JobTerminationError`, the run is recorded
 * FINISHED and the manager finishes the job (state FINISHED, never scheduled again).
 */
export class TerminatingJob implements NotManagedJob {
  execute(ctx: JobContext): string {
    if (attachmentField(ctx.attachment, 'terminate') === true) {
      ctx.log.warn('TerminatingJob: the attachment asks to end the job');
      throw new JobTerminationError('terminated by its attachment {"terminate": true}');
    }
    ctx.log.info('TerminatingJob: nothing to end yet');
    return 'continuing';
  }

  onSuccess(ctx: JobContext, result: unknown): void {
    ctx.log.info("TerminatingJob's return value is: {}", result);
  }
}
