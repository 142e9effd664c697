export { ChaconneWorkerModule } from './chaconne-worker.module';
export { CHACONNE_WORKER_OPTIONS } from './chaconne-worker.options';
export type {
  ChaconneWorkerModuleOptions,
  ChaconneWorkerModuleAsyncOptions,
  DynamicJobEntry,
} from './chaconne-worker.options';
// The injectable: the core worker, provided under its own class token.
export { ChaconneWorker } from '../chaconne-worker';
