import {
  Global,
  Logger,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChaconneWorker } from '../chaconne-worker';
import { ChaconneWorkerExplorer } from './chaconne-worker.explorer';
import { ChaconneWorkerMiddleware } from './chaconne-worker.middleware';
import {
  CHACONNE_WORKER_OPTIONS,
  type ChaconneWorkerModuleAsyncOptions,
  type ChaconneWorkerModuleOptions,
} from './chaconne-worker.options';

function createWorker(options: ChaconneWorkerModuleOptions): ChaconneWorker {
  const { dynamicJobs: _dynamicJobs, autoStart: _autoStart, ...core } = options;
  return new ChaconneWorker({ ...core, logger: core.logger ?? new Logger('ChaconneWorker') });
}

const shared: Provider[] = [
  { provide: ChaconneWorker, useFactory: createWorker, inject: [CHACONNE_WORKER_OPTIONS] },
  ChaconneWorkerExplorer,
  ChaconneWorkerMiddleware,
];

/**
 * Embeds a Chaconne worker in a Nest app: discovers `@ChacJob` and `ManagedJob` providers, mounts the signed
 * run endpoints (`POST /chaconne/runs`, `.../:runId/cancel`) inside the app's own HTTP
 * server, registers with the manager once the server listens, and drains on shutdown.
 * Inject `ChaconneWorker` (from `@chaconne/worker`) to reach the core worker.
 *
 * @example
 * \@Module({
 *   imports: [ChaconneWorkerModule.forRoot({ managerUrl, secret, clusterName: 'demo-cluster', groupName: 'billing', dynamicJobs: [EtlJob] })],
 *   providers: [DemoCronJob],
 * })
 * export class AppModule {}
 */
@Global()
@Module({})
export class ChaconneWorkerModule implements NestModule {
  static forRoot(options: ChaconneWorkerModuleOptions): DynamicModule {
    return {
      module: ChaconneWorkerModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: CHACONNE_WORKER_OPTIONS, useValue: options }, ...shared],
      exports: [ChaconneWorker],
    };
  }

  static forRootAsync(options: ChaconneWorkerModuleAsyncOptions): DynamicModule {
    return {
      module: ChaconneWorkerModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        {
          provide: CHACONNE_WORKER_OPTIONS,
          useFactory: options.useFactory as (...args: unknown[]) => ChaconneWorkerModuleOptions,
          inject: options.inject ?? [],
        },
        ...shared,
      ],
      exports: [ChaconneWorker],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ChaconneWorkerMiddleware).forRoutes({ path: 'chaconne/*path', method: RequestMethod.ALL });
  }
}
