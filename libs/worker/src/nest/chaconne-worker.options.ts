import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { ChaconneWorkerOptions } from '../core/options';
import type { DynamicJobOptions, NotManagedJobClass } from '../core/job';

/** A dynamic job class with its per-instance options. */
export interface DynamicJobEntry extends DynamicJobOptions {
  jobClass: NotManagedJobClass;
}

/** Options of `ChaconneWorkerModule.forRoot()`: the core options plus Nest-specific ones. */
export interface ChaconneWorkerModuleOptions extends ChaconneWorkerOptions {
  /**
   * Dynamic job classes (Chaconne's `NotManagedJob`), registered by class name and
   * instantiated per run; `{ jobClass, concurrency }` to limit concurrent runs.
   * @defaultValue []
   */
  dynamicJobs?: (NotManagedJobClass | DynamicJobEntry)[];
  /**
   * Register with the manager once the host HTTP server listens. Set false to call
   * `worker.start()` yourself (e.g. in tests that never listen).
   * @defaultValue true
   */
  autoStart?: boolean;
}

/** Options of `ChaconneWorkerModule.forRootAsync()`. */
export interface ChaconneWorkerModuleAsyncOptions {
  /** Modules exporting the providers `inject` names (e.g. your config module). */
  imports?: NonNullable<ModuleMetadata['imports']>;
  inject?: NonNullable<FactoryProvider['inject']>;
  useFactory: (...args: never[]) => ChaconneWorkerModuleOptions | Promise<ChaconneWorkerModuleOptions>;
}

/** Injection token of the resolved {@link ChaconneWorkerModuleOptions}. */
export const CHACONNE_WORKER_OPTIONS = Symbol.for('chaconne.worker.nest.options');
