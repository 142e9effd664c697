import { OCCURRENCE_INTEGRITY_FIGURES, runEverySecondLoadOn } from '../every-second-load';
import type { BenchOptions } from '../options';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import { bullmqDelayedEverySecond } from './substrate';

const FIGURES: readonly FigureSpec[] = [
  { key: 'firesPerSecond', label: 'fires per second (handler starts)', unit: '/s' },
  {
    key: 'latenessP50Ms',
    label: 'lateness p50 (handler start - planned)',
    unit: 'ms',
  },
  { key: 'latenessP99Ms', label: 'lateness p99', unit: 'ms', target: { op: '<=', value: 10 } },
  { key: 'latenessMaxMs', label: 'lateness max', unit: 'ms' },
  ...OCCURRENCE_INTEGRITY_FIGURES,
  { key: 'managersCpuPct', label: 'manager CPU', unit: '% of a core' },
  {
    key: 'bullLatenessP50Ms',
    label: 'BullMQ delayed jobs: lateness p50 (processor start - due)',
    unit: 'ms',
  },
  { key: 'bullLatenessP99Ms', label: 'BullMQ delayed jobs: lateness p99', unit: 'ms' },
  { key: 'bullLatenessMaxMs', label: 'BullMQ delayed jobs: lateness max', unit: 'ms' },
  { key: 'bullMissing', label: 'BullMQ delayed jobs: missing', unit: '' },
  { key: 'bullDuplicated', label: 'BullMQ delayed jobs: duplicated', unit: '' },
  { key: 'windowSeconds', label: 'counted window', unit: 's' },
];

/**
 * Light load: `jobs` (20) NoopJob jobs every second for `seconds` (60) on 1 manager and
 * `workers` workers, then the same load as plain BullMQ delayed jobs (20 due at every
 * second, a no-op worker, concurrency 64) in the same run: how late a quiet scheduler starts.
 */
export const lightScenario: Scenario = {
  name: 'light',
  title: 'Light load: a few every-second jobs, and plain BullMQ delayed jobs at the same load',
  figures: FIGURES,
  async run(options: BenchOptions, { log }) {
    const { jobs, seconds, workers, persistConcurrency } = options.light;
    const out = new RunRecorder(FIGURES);
    const ours = await runEverySecondLoadOn(
      options,
      { managers: 1, workers },
      { name: 'light', jobs, seconds, persistConcurrency },
      log,
    );
    for (const key of [
      'firesPerSecond',
      'latenessP50Ms',
      'latenessP99Ms',
      'latenessMaxMs',
      'missing',
      'duplicated',
      'duplicatedExecutions',
      'managersCpuPct',
      'windowSeconds',
    ] as const)
      out.set(key, ours[key]);
    for (const note of ours.notes) out.note(note);
    const bull = await bullmqDelayedEverySecond(options, jobs, seconds, log);
    out.set('bullLatenessP50Ms', bull.latenessP50Ms);
    out.set('bullLatenessP99Ms', bull.latenessP99Ms);
    out.set('bullLatenessMaxMs', bull.latenessMaxMs);
    out.set('bullMissing', bull.missing);
    out.set('bullDuplicated', bull.duplicated);
    return out.result();
  },
};
