import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { CallbackPolicy } from './callback-policy';
import { HttpCallbackRunner } from './http-callback.runner';
import { XcronBodyAsText } from './xcron-body.middleware';
import { XcronController } from './xcron.controller';
import { XcronTaskService } from './xcron-task.service';

/**
 * xcron-compatible HTTP callback tasks: the `/xcron/*` API, and the runner the fire
 * pipeline hands `http` jobs to.
 */
@Module({
  imports: [JobDefinitionModule],
  controllers: [XcronController],
  providers: [
    {
      provide: CallbackPolicy,
      // A bad allowlist entry fails the start-up, naming the entry.
      useFactory: (config: ManagerConfig) => new CallbackPolicy(config.callbackAllowlist),
      inject: [MANAGER_CONFIG],
    },
    HttpCallbackRunner,
    XcronTaskService,
  ],
  exports: [HttpCallbackRunner],
})
export class XcronModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(XcronBodyAsText)
      .forRoutes(
        { path: 'xcron/createTask', method: RequestMethod.POST },
        { path: 'xcron/deleteTask', method: RequestMethod.POST },
      );
  }
}
