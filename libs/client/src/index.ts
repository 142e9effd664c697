export { JobManager } from './job-manager';
export type { JobManagerOptions, TraceQuery } from './job-manager';
export { ChaconneApiError } from './chaconne-api-error';
