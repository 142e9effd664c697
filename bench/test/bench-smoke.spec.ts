import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ScenarioReport } from '../src/report';

/**
 * A small run of the bench harness as a user starts it: the built entry point
 * (`node bench/dist/main.js`, what `npm run bench` runs, built by `npm test` first) with
 * ingest 200 requests, burst 200 jobs, BullMQ burst 200 jobs, the light load (20 jobs and
 * BullMQ delayed jobs, 4 s each), the scale-out comparison (20 jobs on 1 then 2 managers, 4 s
 * each), footprint 500 jobs, one run each, against real manager and worker processes, so the
 * harness does not rot.
 * Benchmarks are not tests: nothing here looks at a timing, only that every run
 * completed, nothing went missing or ran twice, and every figure is a number.
 */
const resultsDir = mkdtempSync(join(tmpdir(), 'chac-bench-smoke-'));
const entryPoint = resolve(__dirname, '../dist/main.js');
let printed: string[] = [];
let exitCode: number | null = null;
let reports: ScenarioReport[] = [];

beforeAll(async () => {
  const args = [
    entryPoint,
    'ingest',
    'burst',
    'substrate',
    'light',
    'scaleout',
    'footprint',
    '--runs=1',
    '--jobs=200',
    '--footprint-jobs=500',
    '--warmup=20',
    '--substrate-loads=burst',
    '--settle-seconds=1',
    '--light-seconds=4',
    '--scaleout-jobs=20',
    '--scaleout-seconds=4',
    `--results-dir=${resultsDir}`,
  ];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 200_000,
    });
    printed = stdout.split('\n');
    exitCode = 0;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number | string };
    printed = `${failed.stdout ?? ''}\n${failed.stderr ?? ''}`.split('\n');
    exitCode = typeof failed.code === 'number' ? failed.code : -1;
  }
  reports = jsonFiles().map((file) => JSON.parse(readFileSync(file, 'utf8')) as ScenarioReport);
}, 210_000);

function jsonFiles(): string[] {
  return readdirSync(resultsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(resultsDir, name));
}

afterAll(() => {
  rmSync(resultsDir, { recursive: true, force: true });
});

function scenario(name: string): ScenarioReport {
  const found = reports.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} in the report; output:\n${printed.join('\n')}`);
  return found;
}

/** The single run's value of a figure; fails if it was not measured. */
function figure(name: string, key: string): number {
  const value = scenario(name).figures.find((f) => f.key === key)?.values[0];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`${name}.${key} is ${String(value)}; output:\n${printed.join('\n')}`);
  return value;
}

it('completes every run', () => {
  // A failed run prints `[bench] <scenario> 1/1: FAILED after ...: <why>`.
  expect(printed.filter((line) => /^\[bench\] \w+ \d+\/\d+: FAILED/.test(line))).toEqual([]);
  expect({ exitCode, output: exitCode === 0 ? '' : printed.join('\n') }).toEqual({ exitCode: 0, output: '' });
});

it('ingest: every persistJob and createTask is answered 2xx and stored', () => {
  for (const key of ['persistErrors', 'persistNon2xx', 'persistLost', 'xcronErrors', 'xcronNon2xx'])
    expect({ key, value: figure('ingest', key) }).toEqual({ key, value: 0 });
  expect(figure('ingest', 'xcronVerbatimRefused')).toBe(200);
  for (const key of [
    'persistRps',
    'persistP50Ms',
    'persistP99Ms',
    'xcronRps',
    'xcronP99Ms',
    'persistToValidationRatio',
  ])
    expect(figure('ingest', key)).toBeGreaterThan(0);
});

it('burst: every job ran exactly once', () => {
  for (const key of ['missing', 'duplicated', 'duplicatedExecutions', 'failed'])
    expect({ key, value: figure('burst', key) }).toEqual({ key, value: 0 });
  for (const key of ['allStartedS', 'allStoredS', 'throughput', 'latenessMaxMs', 'managerPeakRssMb'])
    expect(figure('burst', key)).toBeGreaterThanOrEqual(0);
});

it('substrate: the BullMQ burst ran every job once, and the ratio is computed', () => {
  expect(figure('substrate', 'bullBurstMissing')).toBe(0);
  expect(figure('substrate', 'bullBurstDuplicated')).toBe(0);
  expect(figure('substrate', 'burstRatio')).toBeGreaterThan(0);
});

it('light: every occurrence started once, for Chaconne and for plain BullMQ', () => {
  for (const key of ['missing', 'duplicated', 'duplicatedExecutions', 'bullMissing', 'bullDuplicated'])
    expect({ key, value: figure('light', key) }).toEqual({ key, value: 0 });
  for (const key of ['latenessP99Ms', 'bullLatenessP99Ms', 'windowSeconds'])
    expect(figure('light', key)).toBeGreaterThanOrEqual(0);
});

it('scaleout: the load ran once on 1 and once on 2 managers, with the CPU of each process', () => {
  for (const managers of [1, 2]) {
    for (const key of ['missing', 'duplicated'])
      expect({ managers, key, value: figure('scaleout', `m${managers}.${key}`) }).toEqual({
        managers,
        key,
        value: 0,
      });
    for (const key of ['firesPerSecond', 'managersCpuPct', 'busiestManagerCpuPct', 'mariadbCpuPct'])
      expect(figure('scaleout', `m${managers}.${key}`)).toBeGreaterThan(0);
  }
  expect(figure('scaleout', 'firesRatio')).toBeGreaterThan(0);
});

it('footprint: manager RSS (after the load and after a restart) and Redis bytes per job are measured', () => {
  expect(figure('footprint', 'managerRssMb')).toBeGreaterThan(0);
  expect(figure('footprint', 'restartedRssMb')).toBeGreaterThan(0);
  expect(figure('footprint', 'redisBytesPerJob')).toBeGreaterThan(0);
  expect(figure('footprint', 'redisKeysPerJob')).toBeGreaterThan(0);
});

it('writes a JSON file per scenario and latest.md', () => {
  expect(reports.map((r) => r.name).sort()).toEqual([
    'burst',
    'footprint',
    'ingest',
    'light',
    'scaleout',
    'substrate',
  ]);
  const json = JSON.parse(readFileSync(jsonFiles()[0] ?? '', 'utf8')) as { machine: { cores: number } };
  expect(json.machine.cores).toBeGreaterThan(0);
  expect(existsSync(join(resultsDir, 'latest.md'))).toBe(true);
  expect(readFileSync(join(resultsDir, 'latest.md'), 'utf8')).toContain('| Figure | Median | Min | Max |');
});
