import type { BenchOptions } from '../options';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';
import {
  type EverySecondFigures,
  OCCURRENCE_INTEGRITY_FIGURES,
  runEverySecondLoadOn,
} from '../every-second-load';

export const SUSTAINED_FIGURES: readonly FigureSpec[] = [
  { key: 'firesPerSecond', label: 'fires per second (handler starts)', unit: '/s' },
  { key: 'expectedPerSecond', label: 'expected per second (jobs)', unit: '/s' },
  {
    key: 'latenessP50Ms',
    label: 'lateness p50 (handler start - planned)',
    unit: 'ms',
    target: { op: '<=', value: 10 },
  },
  { key: 'latenessP99Ms', label: 'lateness p99', unit: 'ms', target: { op: '<=', value: 50 } },
  { key: 'latenessMaxMs', label: 'lateness max', unit: 'ms' },
  ...OCCURRENCE_INTEGRITY_FIGURES,
  { key: 'skipped', label: 'occurrences recorded SKIPPED (e.g. misfire)', unit: '' },
  { key: 'failed', label: 'occurrences recorded FAILED', unit: '' },
  { key: 'statementsPerFire', label: 'MySQL statements per fire (shared server)', unit: '' },
  {
    key: 'managersCpuPct',
    label: 'managers CPU (sum)',
    unit: '% of a core',
    anchor: 'xcron: ~10 % CPU (ingest)',
  },
  {
    key: 'managerPeakRssMb',
    label: 'manager peak RSS (largest)',
    unit: 'MB',
    anchor: 'xcron: 105 MB RES at queue peak',
  },
  { key: 'workersCpuPct', label: 'workers CPU (sum)', unit: '% of a core' },
  { key: 'mariadbCpuPct', label: 'MariaDB CPU (shared server)', unit: '% of a core' },
  { key: 'redisCpuPct', label: 'Redis CPU (shared server)', unit: '% of a core' },
  { key: 'othersCpuPct', label: 'CPU of other processes on the machine (not the run)', unit: '% of a core' },
  { key: 'windowSeconds', label: 'counted window', unit: 's' },
];

/** Sets every figure of {@link SUSTAINED_FIGURES} from one every-second load. */
export function recordEverySecond(out: RunRecorder, figures: EverySecondFigures): void {
  for (const spec of SUSTAINED_FIGURES) {
    const value = figures[spec.key as keyof EverySecondFigures];
    if (typeof value === 'number' || value === null) out.set(spec.key, value);
  }
  for (const note of figures.notes) out.note(note);
}

/**
 * Sustained: `jobs` NoopJob jobs firing every second (`* * * * * ?`, overlap ALLOW) across
 * `managers` managers and `workers` workers for `seconds`; every job and every second of the
 * window [start + 5 s, end - 5 s] must have exactly one handler start.
 */
export const sustainedScenario: Scenario = {
  name: 'sustained',
  title: 'Sustained: every-second cron jobs across managers',
  figures: SUSTAINED_FIGURES,
  async run(options: BenchOptions, { log }) {
    const out = new RunRecorder(SUSTAINED_FIGURES);
    const { jobs, seconds, managers, workers, persistConcurrency } = options.sustained;
    const figures = await runEverySecondLoadOn(
      options,
      { managers, workers },
      { name: 'sustained', jobs, seconds, persistConcurrency },
      log,
    );
    recordEverySecond(out, figures);
    return out.result();
  },
};
