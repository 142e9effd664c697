import {
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { JobRuntimeModule } from '../job-runtime/job-runtime.module';
import { InManagerRunners } from '../run/in-manager-runners';
import { RunModule } from '../run/run.module';
import { CallbackPolicy } from './callback-policy';
import { HttpCallbackRunner } from './http-callback.runner';
import { XcronBodyAsText } from './xcron-body.middleware';
import { XcronController } from './xcron.controller';
import { XcronTaskService } from './xcron-task.service';

/**
 * xcron-compatible HTTP callback tasks: the `/xcron/*` API, and the runner of `http` jobs,
 * registered with run/'s in-manager runners (run/ does not know this module).
 */
@Module({
  imports: [JobDefinitionModule, JobRuntimeModule, RunModule],
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
})
export class XcronModule implements NestModule, OnModuleInit {
  constructor(
    private readonly runners: InManagerRunners,
    private readonly httpCallbacks: HttpCallbackRunner,
  ) {}

  onModuleInit(): void {
    this.runners.register('http', this.httpCallbacks);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(XcronBodyAsText)
      .forRoutes(
        { path: 'xcron/createTask', method: RequestMethod.POST },
        { path: 'xcron/deleteTask', method: RequestMethod.POST },
      );
  }
}
