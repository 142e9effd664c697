import { ManagerRoutes } from '@chaconne/contracts';
import { GenericJobDefinition, InvalidDefinitionError, type JobDefinitionBuilder } from '@chaconne/client';
import {
  DEFINITION_CASES,
  DEFINITION_CLUSTER,
  DEFINITION_GROUP,
  MANAGER_ONLY_DEFINITION_CASES,
  type DefinitionCase,
  type Envelope,
} from '@chaconne/testing';
import { ChaconneWorker, ChaconneWorkerError, type Job } from '@chaconne/worker';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  adminPost,
  cleanUp,
  registration,
  signedPost,
  startManagerApp,
  testConfig,
} from '../support/test-env';

/*
 * One definition schema (issue 13): the worker SDK's registration check, the client's builder
 * and the manager (persistJob over HTTP, and a worker's registration) give every definition of
 * a shared table the same verdict, naming the same fields.
 */

jest.setTimeout(120_000);

const config = testConfig({ CHACONNE_ATTACHMENT_LIMIT_BYTES: '4096' });
let app: NestFastifyApplication;
let baseUrl: string;

beforeAll(async () => {
  ({ app, baseUrl } = await startManagerApp(config, ['error']));
});

afterAll(async () => {
  await app.close();
  await cleanUp(config);
});

const sorted = (fields: Iterable<string>): string[] => [...new Set(fields)].sort();

/** The fields the SDK names when `worker.addJob()` refuses the definition as a code-defined job. */
function sdkVerdict(definition: Record<string, unknown>): string[] {
  const { jobKey, ...fields } = definition as { jobKey: { jobName: string; jobClassName: string } };
  const worker = new ChaconneWorker({
    managerUrl: 'http://127.0.0.1:1',
    secret: config.secret,
    clusterName: DEFINITION_CLUSTER,
    groupName: DEFINITION_GROUP,
  });
  const job = {
    ...fields,
    jobName: jobKey.jobName,
    jobClassName: jobKey.jobClassName,
    execute: () => undefined,
  } as unknown as Job;
  try {
    worker.addJob(job);
    return [];
  } catch (error) {
    if (!(error instanceof ChaconneWorkerError) || error.problems.length === 0) throw error;
    return sorted(error.problems.map((p) => p.field));
  }
}

/** The client's setter of each field a definition may carry. */
const SETTERS: Record<string, (builder: JobDefinitionBuilder, value: never) => unknown> = {
  description: (b, v) => b.setDescription(v),
  email: (b, v) => b.setEmail(v),
  retries: (b, v) => b.setRetries(v),
  timeout: (b, v) => b.setTimeout(v),
  weight: (b, v) => b.setWeight(v),
  trigger: (b, v) => b.setTrigger(v),
  attachment: (b, v) => b.setAttachment(v),
  dependentKeys: (b, v) => b.setDependentKeys(v),
  forkKeys: (b, v) => b.setForkKeys(v),
  completionRate: (b, v) => b.setCompletionRate(v),
  clusterMode: (b, v) => b.setClusterMode(v),
  loadBalancer: (b, v) => b.setLoadBalancer(v),
  hashKey: (b, v) => b.setHashKey(v),
  labels: (b, v) => b.setLabels(v),
  retryBackoff: (b, v) => b.setRetryBackoff(v),
  overlapPolicy: (b, v) => b.setOverlapPolicy(v),
  misfirePolicy: (b, v) => b.setMisfirePolicy(v),
  startDeadlineSeconds: (b, v) => b.setStartDeadlineSeconds(v),
  maxConsecutiveFailures: (b, v) => b.setMaxConsecutiveFailures(v),
  terminationStrategy: (b, v) => b.setTerminationStrategy(v),
  freezeAfterTimeouts: (b, v) => b.setFreezeAfterTimeouts(v),
};

/** The fields the client names when `GenericJobDefinition...build()` refuses the definition. */
function clientVerdict(definition: Record<string, unknown>): string[] {
  const { jobKey, ...fields } = definition;
  const builder = GenericJobDefinition.newJob(jobKey as never);
  for (const [field, value] of Object.entries(fields)) {
    const set = SETTERS[field];
    if (!set) throw new Error(`the client has no setter for ${field}`);
    set(builder, value as never);
  }
  try {
    builder.build();
    return [];
  } catch (error) {
    if (!(error instanceof InvalidDefinitionError)) throw error;
    return sorted(error.problems.map((p) => p.field));
  }
}

/** The fields named in a refusal (none for a success), after failing on any other answer. */
function fieldsOf(answer: { status: number; body: Envelope<unknown> }): string[] {
  if (answer.status === 200 && answer.body.success) return [];
  // A refusal of the definition: 400, or 413 for an attachment over the manager's limit alone.
  expect({ status: answer.status, code: answer.body.code }).toEqual(
    answer.status === 413
      ? { status: 413, code: 'PAYLOAD_TOO_LARGE' }
      : { status: 400, code: 'VALIDATION_FAILED' },
  );
  return sorted((answer.body.errors ?? []).map((e) => e.field));
}

/** The fields the manager names when persistJob refuses the definition. */
async function persistVerdict(definition: Record<string, unknown>): Promise<string[]> {
  return fieldsOf(await adminPost(baseUrl, config, '/job/admin/persistJob', definition));
}

let instances = 0;

/**
 * The fields the manager names when a worker registering the definition as its code-defined job
 * is refused (under `jobs.0.definition.`). The declaration's `jobClassName` is the definition's,
 * cut to the 255 characters a declaration may have: a longer one is refused with the
 * declaration, before any definition is read (no SDK sends one: it refuses the job first).
 */
async function registrationVerdict(definition: Record<string, unknown>): Promise<string[]> {
  const jobClassName = (definition.jobKey as { jobClassName: string }).jobClassName.slice(0, 255);
  const answer = await signedPost(
    baseUrl,
    config.secret,
    ManagerRoutes.register,
    registration(`agreement-${++instances}`, {
      clusterName: DEFINITION_CLUSTER,
      groupName: DEFINITION_GROUP,
      jobs: [{ jobClassName, definition: definition as never }],
    }),
  );
  const prefix = 'jobs.0.definition.';
  const fields = fieldsOf(answer);
  expect(fields.filter((field) => !field.startsWith(prefix))).toEqual([]);
  return fields.map((field) => field.slice(prefix.length));
}

/** What each side answers to a definition: the fields it names, none when it accepts it. */
async function verdictsOf(definition: Record<string, unknown>): Promise<Record<string, string[]>> {
  return {
    sdk: sdkVerdict(definition),
    client: clientVerdict(definition),
    persistJob: await persistVerdict(definition),
    registration: await registrationVerdict(definition),
  };
}

describe('one job-definition schema', () => {
  it('has cases that accept and cases that refuse, repeatCount 0 among them', () => {
    const names = DEFINITION_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(DEFINITION_CASES.filter((c) => c.fields.length === 0).length).toBeGreaterThan(3);
    expect(DEFINITION_CASES.filter((c) => c.fields.length > 0).length).toBeGreaterThan(20);
    const zero = DEFINITION_CASES.find((c) => c.fields.includes('trigger.repeatCount'));
    expect((zero?.definition.trigger as { repeatCount?: number } | undefined)?.repeatCount).toBe(0);
  });

  it.each(DEFINITION_CASES.map((c): [string, DefinitionCase] => [c.name, c]))(
    'gives %s the same verdict everywhere',
    async (_name, c) => {
      expect(await verdictsOf(c.definition)).toEqual({
        sdk: c.fields,
        client: c.fields,
        persistJob: c.fields,
        registration: c.fields,
      });
    },
  );

  it.each(MANAGER_ONLY_DEFINITION_CASES.map((c): [string, DefinitionCase] => [c.name, c]))(
    'leaves %s to the manager, which needs its own state to refuse it',
    async (_name, c) => {
      expect(await verdictsOf(c.definition)).toEqual({
        sdk: [],
        client: [],
        persistJob: c.fields,
        registration: c.fields,
      });
    },
  );
});
