import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, type BenchReport } from '../src/main';
import { parseOptions } from '../src/options';
import type { ScenarioReport } from '../src/report';

/**
 * A small run of the bench harness (ingest 200 requests, burst 200 jobs, BullMQ burst 200
 * jobs, footprint 500 jobs; one run each) against real manager and worker processes, so
 * the harness does not rot. Benchmarks are not tests: nothing here looks at a timing, only
 * that every run completed, nothing went missing or ran twice, and every figure is a number.
 */
const resultsDir = mkdtempSync(join(tmpdir(), 'chac-bench-smoke-'));
let report: BenchReport;
const printed: string[] = [];

beforeAll(async () => {
  const options = parseOptions(
    [
      'ingest',
      'burst',
      'substrate',
      'footprint',
      '--runs=1',
      '--jobs=200',
      '--footprint-jobs=500',
      '--warmup=20',
      '--substrate-loads=burst',
      '--settle-seconds=1',
      `--results-dir=${resultsDir}`,
    ],
    {},
  );
  report = await runBench(options, (line) => printed.push(line));
}, 150_000);

afterAll(() => {
  rmSync(resultsDir, { recursive: true, force: true });
});

function scenario(name: string): ScenarioReport {
  const found = report.scenarios.find((s) => s.name === name);
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
  expect(report.failedRuns).toBe(0);
});

it('ingest: every persistJob and createTask is answered 2xx and stored', () => {
  for (const key of ['persistErrors', 'persistNon2xx', 'persistLost', 'xcronErrors', 'xcronNon2xx'])
    expect({ key, value: figure('ingest', key) }).toEqual({ key, value: 0 });
  expect(figure('ingest', 'xcronVerbatimRefused')).toBe(200);
  for (const key of ['persistRps', 'persistP50Ms', 'persistP99Ms', 'xcronRps', 'xcronP99Ms'])
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

it('footprint: manager RSS and Redis bytes per job are measured', () => {
  expect(figure('footprint', 'managerRssMb')).toBeGreaterThan(0);
  expect(figure('footprint', 'redisBytesPerJob')).toBeGreaterThan(0);
  expect(figure('footprint', 'redisKeysPerJob')).toBeGreaterThan(0);
});

it('writes a JSON file per scenario and latest.md', () => {
  expect(report.files).toHaveLength(5);
  for (const file of report.files) expect(existsSync(file)).toBe(true);
  const json = JSON.parse(readFileSync(report.files[0] ?? '', 'utf8')) as {
    name: string;
    machine: { cores: number };
  };
  expect(json.name).toBe('ingest');
  expect(json.machine.cores).toBeGreaterThan(0);
  expect(readFileSync(join(resultsDir, 'latest.md'), 'utf8')).toContain('| Figure | Median | Min | Max |');
});
