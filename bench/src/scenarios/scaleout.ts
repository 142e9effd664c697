import { BenchCluster } from '../cluster';
import { type EverySecondFigures, runEverySecondLoad } from '../every-second-load';
import type { BenchOptions } from '../options';
import { RunRecorder, type FigureSpec, type Scenario } from '../scenario';

/** The manager counts compared, in the order they run. */
const MANAGER_COUNTS = [1, 2] as const;

/** Per manager count: what each load is reported by (key suffix, label, unit). */
const PER_LOAD: readonly [keyof EverySecondFigures, string, string][] = [
  ['firesPerSecond', 'fires per second (handler starts)', '/s'],
  ['latenessP50Ms', 'lateness p50', 'ms'],
  ['latenessP99Ms', 'lateness p99', 'ms'],
  ['missing', 'missing occurrences', ''],
  ['duplicated', 'duplicated occurrences (MySQL)', ''],
  ['managersCpuPct', 'managers CPU (sum)', '% of a core'],
  ['busiestManagerCpuPct', 'busiest manager CPU', '% of a core'],
  ['workersCpuPct', 'workers CPU (sum)', '% of a core'],
  ['mariadbCpuPct', 'MariaDB CPU (shared server)', '% of a core'],
  ['redisCpuPct', 'Redis CPU (shared server)', '% of a core'],
  ['othersCpuPct', 'CPU of other processes on the machine', '% of a core'],
];

const key = (managers: number, figure: string): string => `m${managers}.${figure}`;

const FIGURES: readonly FigureSpec[] = [
  ...MANAGER_COUNTS.flatMap((managers) =>
    PER_LOAD.map(([figure, label, unit]) => ({
      key: key(managers, figure),
      label: `${managers} manager${managers > 1 ? 's' : ''}: ${label}`,
      unit,
    })),
  ),
  { key: 'firesRatio', label: 'fires per second, 2 managers / 1', unit: '×' },
  { key: 'latenessP99Ratio', label: 'lateness p99, 2 managers / 1', unit: '×' },
];

function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  return numerator == null || denominator == null || denominator === 0 ? null : numerator / denominator;
}

/**
 * Scale-out: the sustained load (`jobs` every second for `seconds`, `workers` workers) on
 * 1 manager, then, after a second manager joined the same cluster, on 2 (new jobs, the first
 * load's unscheduled); throughput and lateness of each and their ratio, with the CPU of
 * every process (managers, workers, MariaDB, Redis) so that the report says where the
 * capacity goes as managers are added.
 */
export const scaleoutScenario: Scenario = {
  name: 'scaleout',
  title: 'Scale-out: the same every-second load on 1 and on 2 managers',
  figures: FIGURES,
  async run(options: BenchOptions, { log }) {
    const { jobs, seconds, workers, persistConcurrency } = options.scaleout;
    const out = new RunRecorder(FIGURES);
    const loads = new Map<number, EverySecondFigures>();
    const cluster = await BenchCluster.start(options, { managers: 1, workers });
    try {
      for (const managers of MANAGER_COUNTS) {
        while (cluster.managers.length < managers) await cluster.addManager();
        const figures = await runEverySecondLoad(
          cluster,
          { name: `scaleout${managers}`, jobs, seconds, persistConcurrency },
          log,
          managers === MANAGER_COUNTS[MANAGER_COUNTS.length - 1],
        );
        loads.set(managers, figures);
        for (const [figure] of PER_LOAD) {
          const value = figures[figure];
          if (typeof value === 'number' || value === null) out.set(key(managers, figure), value);
        }
        for (const note of figures.notes) out.note(`${managers} manager(s): ${note}`);
      }
    } finally {
      await cluster.close();
    }
    const [one, two] = MANAGER_COUNTS.map((managers) => loads.get(managers));
    out.set('firesRatio', ratio(two?.firesPerSecond, one?.firesPerSecond));
    out.set('latenessP99Ratio', ratio(two?.latenessP99Ms, one?.latenessP99Ms));
    return out.result();
  },
};
