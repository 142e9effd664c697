import { BenchCluster } from '../cluster';
import { sendLoad, type LoadResult } from '../http-load';
import { BENCH_CLUSTER, noopJobBody, oneShotAt } from '../jobs';
import type { BenchOptions } from '../options';
import { runSampler } from '../process-sampler';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** xcron's benchmark body, verbatim (xcron README §7.1, json.txt). */
export const XCRON_BENCH_BODY = {
  type: 1,
  format: '1581823751',
  callback: { url: 'http://test.demo.com:8810', body: { params: [1, 2], data: '10.10.10', count: 1 } },
};
/** The callback host of that body: allowlisted by name, so createTask needs no DNS for it. */
const XCRON_CALLBACK_HOST = 'test.demo.com';

const ANCHOR_RPS = 'xcron createTask: 1,982 req/s (ab -c 200 -n 10000, 4 vCPU)';
const ANCHOR_LATENCY = 'xcron: 100.9 ms mean';

const FIGURES: readonly FigureSpec[] = [
  {
    key: 'persistRps',
    label: 'persistJob throughput',
    unit: 'req/s',
    target: { op: '>=', value: 3000 },
    anchor: ANCHOR_RPS,
  },
  { key: 'persistP50Ms', label: 'persistJob latency p50', unit: 'ms', anchor: ANCHOR_LATENCY },
  { key: 'persistP99Ms', label: 'persistJob latency p99', unit: 'ms', target: { op: '<=', value: 200 } },
  { key: 'persistErrors', label: 'persistJob errors (no answer)', unit: '', target: { op: '=', value: 0 } },
  { key: 'persistNon2xx', label: 'persistJob non-2xx answers', unit: '', target: { op: '=', value: 0 } },
  {
    key: 'persistLost',
    label: 'persistJob 2xx without a stored job',
    unit: '',
    target: { op: '=', value: 0 },
  },
  { key: 'persistManagerCpuPct', label: 'manager CPU during persistJob', unit: '% of a core' },
  {
    key: 'persistMariadbCpuPct',
    label: 'MariaDB CPU during persistJob (shared server)',
    unit: '% of a core',
  },
  {
    key: 'persistBenchCpuPct',
    label: 'autocannon (bench process) CPU during persistJob',
    unit: '% of a core',
  },
  { key: 'persistStatementsPerJob', label: 'MySQL statements per persistJob (shared server)', unit: '' },
  {
    key: 'persistOthersCpuPct',
    label: 'CPU of other processes on the machine during persistJob',
    unit: '% of a core',
  },
  { key: 'persistManagerPeakRssMb', label: 'manager peak RSS during persistJob', unit: 'MB' },
  {
    key: 'xcronRps',
    label: 'xcron createTask throughput (future timestamp)',
    unit: 'req/s',
    anchor: ANCHOR_RPS,
  },
  { key: 'xcronP50Ms', label: 'xcron createTask latency p50', unit: 'ms', anchor: ANCHOR_LATENCY },
  { key: 'xcronP99Ms', label: 'xcron createTask latency p99', unit: 'ms' },
  {
    key: 'xcronErrors',
    label: 'xcron createTask errors (no answer)',
    unit: '',
    target: { op: '=', value: 0 },
  },
  { key: 'xcronNon2xx', label: 'xcron createTask non-2xx answers', unit: '', target: { op: '=', value: 0 } },
  {
    key: 'xcronVerbatimRps',
    label: "xcron's exact body (refused: 2020 timestamp) throughput",
    unit: 'req/s',
  },
  { key: 'xcronVerbatimP99Ms', label: "xcron's exact body latency p99", unit: 'ms' },
  { key: 'xcronVerbatimRefused', label: "xcron's exact body answered 400 (code 1002)", unit: 'requests' },
  {
    key: 'persistToValidationRatio',
    label: "persistJob throughput / the validation-only path's (xcron's exact body, refused)",
    unit: '×',
    target: { op: '>=', value: 0.8 },
  },
];

function describe(result: LoadResult): string {
  const codes = Object.entries(result.statusCodes)
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  return `${Math.round(result.rps)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, errors ${result.errors}, statuses {${codes}}`;
}

/**
 * Ingest: 10,000 requests at concurrency 200 (autocannon), each a distinct job with a
 * one-shot trigger a year ahead (nothing fires during the run); then xcron's createTask,
 * once with xcron's exact body and once with the same body due a year ahead.
 */
export const ingestScenario: Scenario = {
  name: 'ingest',
  title: 'Ingest: persistJob and xcron createTask at concurrency 200',
  figures: FIGURES,
  async run(options: BenchOptions, { log }) {
    const { requests, connections, warmup } = options.ingest;
    const out = new RunRecorder(FIGURES);
    const cluster = await BenchCluster.start(options, {
      managers: 1,
      workers: 0,
      managerEnv: { CHACONNE_CALLBACK_ALLOWLIST: XCRON_CALLBACK_HOST },
    });
    try {
      const api = cluster.api();
      const headers = { authorization: api.authorization };
      const dueMs = Date.now() + YEAR_MS;
      const persist = (prefix: string, amount: number) =>
        sendLoad({
          url: api.baseUrl,
          path: '/job/admin/persistJob',
          connections,
          amount,
          headers,
          body: (n) => JSON.stringify(noopJobBody(`${prefix}-${n}`, oneShotAt(dueMs))),
        });

      if (warmup > 0) await persist('warmup', warmup);
      const statementsBefore = await cluster.db.statementsSoFar();
      const sampler = runSampler({ manager: cluster.managerPids }).start();
      const persisted = await persist('ingest', requests);
      const usage = sampler.stop();
      out.set(
        'persistStatementsPerJob',
        ((await cluster.db.statementsSoFar()) - statementsBefore - 2) / requests,
      );
      log(`persistJob: ${describe(persisted)}`);
      out.set('persistRps', persisted.rps);
      out.set('persistP50Ms', persisted.p50Ms);
      out.set('persistP99Ms', persisted.p99Ms);
      out.set('persistErrors', persisted.errors);
      out.set('persistNon2xx', persisted.non2xx);
      out.set('persistManagerCpuPct', usage.manager?.cpuPercent ?? null);
      out.set('persistMariadbCpuPct', usage.mariadb?.cpuPercent ?? null);
      out.set('persistManagerPeakRssMb', usage.manager?.peakRssMb ?? null);
      out.set('persistBenchCpuPct', usage.bench?.cpuPercent ?? null);
      out.set('persistOthersCpuPct', usage.others?.cpuPercent ?? null);
      const stored = await cluster.db.count(
        `SELECT COUNT(*) AS n FROM chac_job_detail WHERE cluster_name = ? AND job_name LIKE 'ingest-%'`,
        [BENCH_CLUSTER],
      );
      out.set('persistLost', persisted.ok2xx - stored);

      // xcron's exact body: its 2020 timestamp is in the past, which createTask refuses.
      const sample = await api.post('/xcron/createTask', XCRON_BENCH_BODY);
      const answer = sample.body as unknown as { code?: number; message?: string };
      out.note(
        `xcron's exact body is answered HTTP ${sample.status}, code ${answer.code ?? '?'}, "${answer.message ?? ''}": ` +
          'createTask refuses a one-shot in the past, so that load measures the validation path only.',
      );
      const verbatim = await sendLoad({
        url: api.baseUrl,
        path: '/xcron/createTask',
        connections,
        amount: requests,
        headers,
        body: JSON.stringify(XCRON_BENCH_BODY),
      });
      log(`xcron createTask, exact body: ${describe(verbatim)}`);
      out.set('xcronVerbatimRps', verbatim.rps);
      out.set('xcronVerbatimP99Ms', verbatim.p99Ms);
      out.set('xcronVerbatimRefused', verbatim.statusCodes['400'] ?? 0);
      out.set('persistToValidationRatio', verbatim.rps > 0 ? persisted.rps / verbatim.rps : null);

      // The same body due a year ahead: every request creates a task (xcron's benchmark, too,
      // sent one identical body; each createTask is a new task with its own id).
      const future = JSON.stringify({ ...XCRON_BENCH_BODY, format: String(Math.floor(dueMs / 1000)) });
      const xcronLoad = (amount: number) =>
        sendLoad({ url: api.baseUrl, path: '/xcron/createTask', connections, amount, headers, body: future });
      if (warmup > 0) await xcronLoad(warmup);
      const xcron = await xcronLoad(requests);
      log(`xcron createTask, due in a year: ${describe(xcron)}`);
      out.set('xcronRps', xcron.rps);
      out.set('xcronP50Ms', xcron.p50Ms);
      out.set('xcronP99Ms', xcron.p99Ms);
      out.set('xcronErrors', xcron.errors);
      out.set('xcronNon2xx', xcron.non2xx);
      out.note(
        `xcron load: xcron's body with format = ${Math.floor(dueMs / 1000)} (a year ahead) instead of 1581823751; ` +
          `${XCRON_CALLBACK_HOST} (which does not resolve here) is in CHACONNE_CALLBACK_ALLOWLIST by name, so createTask does no DNS lookup for it.`,
      );
      if (warmup > 0) out.note(`each measured load follows ${warmup} unmeasured warm-up requests`);
      return out.result();
    } finally {
      await cluster.close();
    }
  },
};
