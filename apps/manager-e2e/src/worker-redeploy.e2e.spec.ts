import { queryDatabase, waitFor } from '@chaconne/testing';
import {
  adminPost,
  newStack,
  type ProcessHandle,
  startManager,
  startWorkerRuntime,
  tearDown,
} from './support/processes';

/**
 * Schedules as code: a worker process restarted with a changed code-defined job brings the
 * new definition; the manager follows the code (over an edit made through the API) and
 * records who changed what.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
const helloKey = {
  clusterName: 'demo-cluster',
  groupName: 'http-worker',
  jobName: 'helloWorldJob',
  jobClassName: 'HelloWorldJob',
};

interface HistoryEntry {
  source: string;
  actor: string;
  action: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

async function periodOf(): Promise<number | undefined> {
  const detail = await adminPost<{ jobTriggerDetail: { triggerDescription: string }; retries: number }>(
    stack,
    manager.url,
    '/job/admin/getJobDetail',
    helloKey,
  );
  if (detail.status !== 200) return undefined;
  const description = JSON.parse(detail.body.data.jobTriggerDetail.triggerDescription) as {
    periodic?: { period: number };
  };
  return description.periodic?.period;
}

async function instanceIds(): Promise<string[]> {
  const rows = await queryDatabase<{ instance_id: string }>(
    stack.mysqlUrl,
    "SELECT instance_id FROM chac_worker_instance WHERE group_name = 'http-worker' ORDER BY registered_at",
  );
  return rows.map((r) => r.instance_id);
}

beforeAll(async () => {
  manager = await startManager(stack);
}, 60_000);

afterAll(async () => {
  await tearDown(stack, manager);
});

it('follows the code after a restart with a changed definition, and audits both changes', async () => {
  const first = await startWorkerRuntime(stack, manager.url, 'http', { DEMO_HELLO_PERIOD_SECONDS: '15' });
  try {
    expect(
      await waitFor(
        'HelloWorldJob registered with a 15 s period',
        async () => ((await periodOf()) === 15 ? true : undefined),
        20_000,
      ),
    ).toBe(true);
    // An operator edits the job through the API...
    const edited = await adminPost(stack, manager.url, '/job/admin/persistJob', {
      jobKey: helloKey,
      retries: 9,
      trigger: {
        triggerType: 2,
        triggerDescription: { periodic: { period: 60, schedulingUnit: 0, fixedRate: true } },
      },
    });
    expect(edited.status).toBe(200);
    expect(await periodOf()).toBe(60);
  } finally {
    await first.handle.stop();
  }

  // ...then the service is redeployed with a new period in code.
  const second = await startWorkerRuntime(stack, manager.url, 'http', { DEMO_HELLO_PERIOD_SECONDS: '20' });
  try {
    expect(
      await waitFor(
        'the redeployed definition (20 s)',
        async () => ((await periodOf()) === 20 ? true : undefined),
        20_000,
      ),
    ).toBe(true);
    const [firstInstance, secondInstance] = await instanceIds();
    const history = await adminPost<{ content: HistoryEntry[] }>(
      stack,
      manager.url,
      '/job/admin/selectJobHistory',
      {
        jobKey: helloKey,
      },
    );
    const entries = history.body.data.content;
    expect(entries.map((e) => [e.source, e.actor, e.action])).toEqual([
      ['worker', secondInstance, 'update'],
      ['api', 'bootstrap', 'update'],
      ['worker', firstInstance, 'create'],
    ]);
    expect(entries[0]?.changes.retries).toEqual({ from: 9, to: 3 });
    expect(JSON.parse(String(entries[0]?.changes.triggerDescription?.to))).toMatchObject({
      periodic: { period: 20 },
    });
  } finally {
    await second.handle.stop();
  }
}, 90_000);
