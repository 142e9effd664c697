import { type ApiFailure, JobState, RunningState } from '@chaconne/contracts';
import { chaconneBody, waitFor } from '@chaconne/testing';
import type { Browser, Page } from 'playwright-core';
import {
  type ConsolePage,
  DESKTOP,
  launchChromium,
  openConsolePage,
  PHONE,
  screenshot,
  signIn,
  unexpectedConsoleErrors,
} from '../support/browser';
import {
  adminPost,
  demoJobKey,
  jobTraces,
  newStack,
  persistOnDemandJob,
  type ProcessHandle,
  startDemoWorker,
  startManager,
  tearDown,
  triggerJob,
  waitForJobDetail,
  waitForOutcome,
} from '../support/processes';

/**
 * The console in Chromium against a real manager, MySQL, Redis and the demo worker: every
 * page, the job editor (a cron job that then runs), pause/resume and run now from the job
 * list, a live log tail, cancelling a run, a validation error at its field. The names used
 * are the console's UI contract (roles, labels, test ids). Screenshots of every page go to
 * test-output/console/; readme-*.png are the README's.
 */
const stack = newStack();
let manager: { handle: ProcessHandle; url: string };
let worker: { handle: ProcessHandle; url: string };
let instanceId: string;
let browser: Browser;
let consolePage: ConsolePage;
let page: Page;

const cronKey = demoJobKey('demo-worker', 'consoleCron', 'EtlJob');
const slowKey = demoJobKey('demo-worker', 'consoleSlow', 'SlowJob');
const cancelKey = demoJobKey('demo-worker', 'consoleCancel', 'SlowJob');

beforeAll(async () => {
  [manager, browser] = await Promise.all([startManager(stack), launchChromium()]);
  worker = await startDemoWorker(stack, manager.url);
  const registered = await manager.handle.waitForLine(/registered \S+ \(demo-cluster\/demo-worker\)/, 30_000);
  instanceId = /registered (\S+) \(/.exec(registered)?.[1] ?? '';
  await persistOnDemandJob(stack, manager.url, slowKey, { attachment: '{"ms": 8000}' });
  await persistOnDemandJob(stack, manager.url, cancelKey, { attachment: '{"ms": 60000}' });
  consolePage = await openConsolePage(browser, DESKTOP);
  page = consolePage.page;
  await signIn(page, manager.url, stack.adminToken);
}, 90_000);

afterAll(async () => {
  // Each is undefined when beforeAll failed before it started.
  const opened = consolePage as ConsolePage | undefined;
  await tearDown(stack, opened?.context, browser, worker, manager);
});

/** Ends every test: on each page it visited, the strict policy refused nothing and nothing failed. */
function expectNoProblems(): void {
  expect(consolePage.problems.cspViolations).toEqual([]);
  expect(unexpectedConsoleErrors(consolePage.problems)).toEqual([]);
}

function consoleUrl(path: string): string {
  return `${manager.url}/console${path}`;
}

function jobRow(jobName: string) {
  return page.locator(`[data-testid="job-row"][data-job-name="${jobName}"]`);
}

async function jobState(jobKey: typeof cronKey): Promise<number> {
  return (await waitForJobDetail(stack, manager.url, jobKey)).jobRuntime.jobState;
}

/** Waits until the navigation's slide (a transition when the width changes) has ended. */
async function navigationSettled(inView: boolean): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await waitFor(
    inView ? 'the navigation in view' : 'the navigation out of view at phone width',
    async () => {
      const box = await nav.boundingBox();
      if (box === null) return undefined;
      return (inView ? box.x >= 0 : box.x + box.width <= 0) ? true : undefined;
    },
    5_000,
    50,
  );
}

/** Takes one screenshot at desktop size, and optionally one at phone width. */
async function screenshots(name: string, phone = false): Promise<void> {
  await screenshot(page, name);
  if (!phone) return;
  await page.setViewportSize(PHONE);
  await navigationSettled(false);
  await screenshot(page, `phone-${name}`);
  await page.setViewportSize(DESKTOP);
  await navigationSettled(true);
}

describe('the console pages', () => {
  it('Overview shows its sections', async () => {
    await page.goto(consoleUrl('/'));
    await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor();
    for (const section of ['Jobs by state', 'Runs by outcome (30 days)', 'Workers online', 'Recent failures'])
      await page.getByRole('heading', { name: section }).waitFor();
    await screenshots('overview', true);
    expectNoProblems();
  }, 30_000);

  it('Workers lists the demo worker', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Workers', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Workers' }).waitFor();
    const row = page.locator(`[data-testid="worker-row"][data-instance-id="${instanceId}"]`);
    await row.waitFor();
    // Listed under its cluster and group, with the job classes it runs and a fresh heartbeat.
    await page.getByRole('heading', { name: 'demo-cluster / demo-worker' }).waitFor();
    const text = await row.textContent();
    expect(text).toContain('SlowJob');
    expect(text).toMatch(/\d+(\.\d)? (ms|s) ago/);
    await screenshots('workers', true);
    expectNoProblems();
  }, 30_000);

  it('the job editor shows a bad cron expression at its field, with the manager’s message', async () => {
    // What the manager says about this expression, asked directly.
    const bad = 'every minute please';
    const refused = await adminPost(stack, manager.url, '/job/admin/persistJob', {
      ...chaconneBody('badCron', 'EtlJob', bad),
    });
    expect(refused.status).toBe(400);
    const failure = refused.body as unknown as ApiFailure;
    const reason = failure.errors?.find((e) => e.field.includes('cron'))?.reason ?? '';
    expect(reason).not.toBe('');

    await page.goto(consoleUrl('/jobs/new'));
    await page.getByRole('heading', { name: 'New job' }).waitFor();
    await fillJob('badCron', 'EtlJob', bad);
    await page.getByRole('button', { name: 'Save job' }).click();
    const cron = page.getByLabel('Cron expression', { exact: true });
    await waitFor(
      'the Cron expression input to be marked invalid',
      async () => ((await cron.getAttribute('aria-invalid')) === 'true' ? true : undefined),
      10_000,
    );
    await page.getByText(reason).first().waitFor();
    await page.getByTestId('api-error').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/jobs/new');
    await screenshots('job-editor-error');
    expectNoProblems();
  }, 30_000);

  it('creates a cron job in the editor (with its description and next fire times) and sees it run', async () => {
    await page.goto(consoleUrl('/jobs/new'));
    await fillJob(cronKey.jobName, cronKey.jobClassName, '*/2 * * * * ?');
    await expect(page.getByTestId('cron-description').textContent()).resolves.toMatch(/\S/);
    await waitFor(
      'five next fire times',
      async () =>
        (await page.getByTestId('next-fire-times').locator('li').count()) === 5 ? true : undefined,
      10_000,
    );
    await screenshots('job-editor', true);
    await page.getByRole('tab', { name: 'JSON' }).click();
    await expect(page.getByLabel('Job JSON').inputValue()).resolves.toContain('*/2 * * * * ?');
    await screenshots('job-editor-json');
    await page.getByRole('tab', { name: 'Form' }).click();
    await page.getByRole('button', { name: 'Save job' }).click();

    await page.getByRole('heading', { name: cronKey.jobName, level: 2 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/jobs/demo-cluster/demo-worker/consoleCron/EtlJob');
    // The manager has it, scheduled by cron; a run of it appears on the page by itself (no reload).
    const detail = await waitForJobDetail(stack, manager.url, cronKey);
    expect(detail.jobTriggerDetail.triggerDescription).toContain('*/2 * * * * ?');
    await page.getByTestId('run-row').first().waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('run-row').first().getByRole('link').textContent()).resolves.toMatch(
      /^#\d+$/,
    );
    await screenshots('job-detail', true);
    expectNoProblems();
  }, 60_000);

  it('pauses and resumes a job from the jobs list', async () => {
    await page.goto(consoleUrl('/jobs'));
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await jobRow(cronKey.jobName).waitFor();
    await screenshots('jobs', true);
    await screenshot(page, 'readme-jobs');

    await page.getByRole('button', { name: `Pause ${cronKey.jobName}` }).click();
    await waitFor(
      'consoleCron to show PAUSED',
      async () =>
        (await jobRow(cronKey.jobName).getByTestId('job-state').textContent()) === 'PAUSED'
          ? true
          : undefined,
      10_000,
    );
    await expect(jobState(cronKey)).resolves.toBe(JobState.PAUSED);

    await page.getByRole('button', { name: `Resume ${cronKey.jobName}` }).click();
    await waitFor(
      'consoleCron to show SCHEDULING',
      async () =>
        (await jobRow(cronKey.jobName).getByTestId('job-state').textContent()) === 'SCHEDULING'
          ? true
          : undefined,
      10_000,
    );
    await expect(jobState(cronKey)).resolves.toBe(JobState.SCHEDULING);
    expectNoProblems();
  }, 30_000);

  it('runs a job now with an attachment, and tails its log live while it runs', async () => {
    await page.goto(consoleUrl('/jobs'));
    await page.getByRole('button', { name: `Run ${slowKey.jobName} now` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Attachment (JSON)').fill('{"ms": 8000}');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    const [run] = await waitFor(
      'the run started from the console',
      async () => {
        const traces = await jobTraces(stack, manager.url, slowKey);
        return traces.length > 0 ? traces : undefined;
      },
      10_000,
    );
    if (!run) throw new Error('no run');

    await page.goto(consoleUrl(`/runs/${run.traceId}`));
    await page.getByRole('heading', { name: `Run #${run.traceId}` }).waitFor();
    await page.getByTestId('live-tail').waitFor();
    await expect(page.getByTestId('live-tail').textContent()).resolves.toBe('Live');
    // Progress lines arrive through the tail, without a reload, while the run is RUNNING.
    const seenLines = await waitFor(
      'three log lines while the run is in flight',
      async () => {
        const lines = await page.getByTestId('log-line').count();
        return lines >= 3 ? lines : undefined;
      },
      10_000,
    );
    expect(seenLines).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('run-state').textContent()).resolves.toBe('RUNNING');
    await expect(page.getByTestId('log-lines').textContent()).resolves.toContain(
      'SlowJob: working for 8000 ms',
    );
    await screenshots('run-detail-live', true);
    await screenshot(page, 'readme-run-detail');

    await waitFor(
      'the run to end COMPLETED on the page',
      async () => ((await page.getByTestId('run-state').textContent()) === 'COMPLETED' ? true : undefined),
      15_000,
    );
    await expect(page.getByTestId('log-lines').textContent()).resolves.toMatch(/SlowJob: done after \d+ ms/);
    await expect(page.getByTestId('live-tail').count()).resolves.toBe(0);
    await screenshots('run-detail');
    expectNoProblems();
  }, 45_000);

  it('cancels a slow run: it ends FAILED with the reason', async () => {
    const traceId = await triggerJob(stack, manager.url, cancelKey);
    await page.goto(consoleUrl(`/runs/${traceId}`));
    await page.getByRole('heading', { name: `Run #${traceId}` }).waitFor();
    await waitFor(
      'the run to show RUNNING',
      async () => ((await page.getByTestId('run-state').textContent()) === 'RUNNING' ? true : undefined),
      10_000,
    );
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('stopped from the console test');
    await screenshots('run-cancel-confirm');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    const run = await waitForOutcome(stack, manager.url, cancelKey, traceId, 10_000);
    expect(run.runningState).toBe(RunningState.FAILED);
    expect(run.reason).toContain('stopped from the console test');
    await waitFor(
      'the page to show FAILED',
      async () => ((await page.getByTestId('run-state').textContent()) === 'FAILED' ? true : undefined),
      10_000,
    );
    await page.getByText('stopped from the console test').first().waitFor();
    await expect(page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);
    await screenshots('run-cancelled');
    expectNoProblems();
  }, 30_000);

  it('Overview (with data), Statistics and xcron tasks show', async () => {
    await page.goto(consoleUrl('/'));
    await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
    // The cancelled run is a recent failure, linked to its run page.
    await page.locator('a[href^="/console/runs/"]').first().waitFor();
    await screenshot(page, 'readme-overview');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Statistics', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Statistics' }).waitFor();
    await page.getByTestId('stat-row').first().waitFor();
    await screenshots('statistics', true);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'xcron tasks', exact: true })
      .click();
    await page.getByRole('heading', { name: 'xcron tasks' }).waitFor();
    await page.getByTestId('empty').waitFor();

    // Create: a loopback callback is refused at its field; a host that never resolves is
    // accepted with the manager's warning shown.
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Format' }).fill('*/5 * * * *');
    const url = dialog.getByRole('textbox', { name: 'Callback URL' });
    await url.fill('http://127.0.0.1:9/hook');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.getByTestId('api-error').waitFor();
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await url.fill('https://hooks.chaconne.invalid/hook');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await page.getByText(/was created, with warnings/).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('xcron-row');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain('https://hooks.chaconne.invalid/hook');
    await screenshots('xcron', true);

    // Delete, after confirming: the list is empty again (deleted tasks are listed on request).
    await row.getByRole('button', { name: /^Delete task / }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('empty').waitFor();
    expectNoProblems();
  }, 30_000);
});

/** Fills the editor's form for a CRON job of the demo worker. */
async function fillJob(jobName: string, jobClassName: string, cron: string): Promise<void> {
  await page.getByRole('heading', { name: 'New job' }).waitFor();
  await page.getByLabel('Cluster', { exact: true }).fill('demo-cluster');
  await page.getByLabel('Group', { exact: true }).fill('demo-worker');
  await page.getByLabel('Job name', { exact: true }).fill(jobName);
  await page.getByLabel('Job class', { exact: true }).fill(jobClassName);
  await page.getByLabel('Trigger type', { exact: true }).click();
  await page.getByRole('option', { name: 'CRON', exact: true }).click();
  await page.getByLabel('Cron expression', { exact: true }).fill(cron);
}
