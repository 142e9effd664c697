import type { Server } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { ChaconneWorkerError } from '../core/errors';
import { ChaconneWorker } from '../chaconne-worker';
import { isChacJob, jobFromInstance } from '../decorators';
import { isManagedJob } from '../managed-job';
import { CHACONNE_WORKER_OPTIONS, type ChaconneWorkerModuleOptions } from './chaconne-worker.options';

/** A `@ChacJob` class or a `ManagedJob` subclass: the providers turned into jobs. */
function isJobClass(metatype: unknown): boolean {
  return (
    isChacJob(metatype) ||
    (typeof metatype === 'function' && isManagedJob((metatype as { prototype: unknown }).prototype))
  );
}

function listeningPort(server: Server): number | undefined {
  const address = server.address();
  return address !== null && typeof address === 'object' ? address.port : undefined;
}

/**
 * Ties the worker to the Nest lifecycle: discovers `@ChacJob` and `ManagedJob` providers at module init
 * (a duplicate fails start-up), registers with the manager once the host HTTP server
 * listens (so the manager never dispatches to a closed port), and drains on shutdown.
 */
@Injectable()
export class ChaconneWorkerExplorer implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ChaconneWorker');
  private stopWaiting: (() => void) | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly worker: ChaconneWorker,
    @Inject(CHACONNE_WORKER_OPTIONS) private readonly options: ChaconneWorkerModuleOptions,
  ) {}

  onModuleInit(): void {
    for (const entry of this.options.dynamicJobs ?? []) {
      if (typeof entry === 'function') this.worker.addDynamicJob(entry);
      else this.worker.addDynamicJob(entry.jobClass, entry);
    }
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype;
      if (metatype && isJobClass(metatype) && !wrapper.isDependencyTreeStatic()) {
        throw new ChaconneWorkerError(
          `Job class ${metatype.name} must be a singleton provider, not request- or transient-scoped`,
        );
      }
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      if (isManagedJob(instance)) this.worker.addJob(instance);
      else if (isChacJob(instance)) this.worker.addJob(jobFromInstance(instance));
      else continue;
      seen.add(instance);
    }
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart === false) return;
    // undefined in an application context without HTTP (NestFactory.createApplicationContext)
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (!server) {
      if (this.options.baseUrl === undefined) {
        this.logger.warn(
          'no HTTP server in this application: the worker cannot receive runs and does not register',
        );
        return;
      }
      this.worker.startInBackground();
      return;
    }
    const start = (): void => {
      this.stopWaiting = undefined;
      const port = listeningPort(server);
      this.worker.startInBackground(port === undefined ? {} : { port });
    };
    if (server.listening) {
      start();
      return;
    }
    server.once('listening', start);
    this.stopWaiting = () => server.off('listening', start);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopWaiting?.();
    await this.worker.close();
  }
}
