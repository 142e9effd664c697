// Compiled by the packaging test against the installed packages, as a CommonJS and an ES module under
// moduleResolution node16 and as a bundler project. Each entry point's types must be real: each
// expected error below is unused, which fails the build, if its types resolve to `any` (or not at all).
import { TriggerType, type JobKey } from '@chaconne/contracts';
import { jobDefinitionProblems } from '@chaconne/contracts/definition';
import { MIN_SECRET_LENGTH } from '@chaconne/contracts/signing';
import { GenericJobDefinition, JobManager } from '@chaconne/client';
import { ChaconneWorker, type JobContext } from '@chaconne/worker';
import { chaconneExpress } from '@chaconne/worker/express';
import { createWorker } from '@chaconne/worker/http';
import { ChaconneWorkerModule } from '@chaconne/worker/nest';

export const jobKey: JobKey = {
  clusterName: 'shop',
  groupName: 'billing',
  jobName: 'invoice',
  jobClassName: 'Invoice',
};
// @ts-expect-error a JobKey has four parts
export const partialKey: JobKey = { clusterName: 'shop' };
export const cron: number = TriggerType.CRON;

export const problems: { field: string; reason: string }[] = jobDefinitionProblems({ jobKey });
// @ts-expect-error the problems are field errors, not strings
export const problemTexts: string[] = jobDefinitionProblems({ jobKey });

export const minimumSecretLength: number = MIN_SECRET_LENGTH;
// @ts-expect-error the minimum length is a number
export const secretLengthText: string = MIN_SECRET_LENGTH;

const options = {
  managerUrl: 'http://127.0.0.1:6543',
  secret: 'x'.repeat(64),
  clusterName: 'shop',
  groupName: 'billing',
};
export const worker = new ChaconneWorker(options).addDynamicJob(
  'Invoice',
  (ctx: JobContext) => ctx.attachment,
);
// @ts-expect-error a worker needs its manager, secret, cluster and group
export const incomplete = new ChaconneWorker({ clusterName: 'shop' });

export const middleware: (req: never, res: never, next: () => void) => void = chaconneExpress(worker);
// @ts-expect-error the middleware serves a worker
chaconneExpress();

export const httpWorker = createWorker(options);
export const listening: Promise<{ port: number }> = httpWorker.listen(0);
// @ts-expect-error the port is a number
void httpWorker.listen('8088');

export const nestModule = ChaconneWorkerModule.forRoot({ ...options, dynamicJobs: [] });
// @ts-expect-error the module needs the worker options
ChaconneWorkerModule.forRoot({});

export const jobManager = new JobManager({ baseUrl: 'http://127.0.0.1:6543', token: 'token' });
export const definition = GenericJobDefinition.newJob(jobKey).setRetries(2).build();
// @ts-expect-error the client needs the manager's base URL
new JobManager({});
