import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** The scenarios, in the order an invocation runs them (substrate after the loads it compares with). */
export const SCENARIO_NAMES = [
  'ingest',
  'burst',
  'sustained',
  'substrate',
  'light',
  'scaleout',
  'footprint',
  'soak',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What runs when no scenario is named: all but the soak, which is a long fault test of its own. */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = SCENARIO_NAMES.filter((name) => name !== 'soak');

/** The faults the soak injects, in turn. */
export const SOAK_FAULTS = ['worker-kill', 'manager-kill', 'manager-freeze', 'redis-restart'] as const;
export type SoakFault = (typeof SOAK_FAULTS)[number];

/** The loads the substrate scenario pushes through plain BullMQ. */
export type SubstrateLoad = 'burst' | 'sustained';

/** Everything a bench invocation can be told, with the full-scale defaults. */
export interface BenchOptions {
  scenarios: ScenarioName[];
  /** Runs of each scenario (the figures are median, min and max over them). */
  runs: number;
  mysqlUrl: string;
  redisUrl: string;
  /** Where `<scenario>-<timestamp>.json` and `latest.md` go. */
  resultsDir: string;
  /** Keep each run's database and Redis keys (for digging into a run afterwards). */
  keep: boolean;
  /** Echo the manager's and workers' output (prefixed) while running. */
  verbose: boolean;
  /** Extra settings of every manager started (e.g. CHACONNE_FIRE_CONCURRENCY), to compare configurations. */
  managerEnv: Record<string, string>;
  /** Node.js flags of every manager started, e.g. --cpu-prof for a profile per manager. */
  managerNodeArgs: string[];
  ingest: {
    requests: number;
    connections: number;
    /** Requests sent before each measured phase (not counted); 0 = none. */
    warmup: number;
  };
  burst: { jobs: number; workers: number; persistConcurrency: number };
  sustained: { jobs: number; seconds: number; managers: number; workers: number; persistConcurrency: number };
  substrate: { loads: SubstrateLoad[]; burstJobs: number; sustainedJobs: number; seconds: number };
  light: { jobs: number; seconds: number; workers: number; persistConcurrency: number };
  /** The sustained load on 1 manager, then on 2. */
  scaleout: { jobs: number; seconds: number; workers: number; persistConcurrency: number };
  footprint: { jobs: number; persistConcurrency: number; settleSeconds: number };
  soak: {
    jobs: number;
    seconds: number;
    /** A fault every this many seconds, the kinds in turn. */
    faultEverySeconds: number;
    faults: SoakFault[];
    /** How long a SIGSTOPped manager stays frozen. */
    freezeSeconds: number;
    /** How long a killed process or the stopped Redis stays down before it is started again. */
    downSeconds: number;
    persistConcurrency: number;
  };
}

/** Full scale, as the issue defines each scenario. */
export function defaultOptions(): BenchOptions {
  return {
    scenarios: [...DEFAULT_SCENARIOS],
    runs: 3,
    mysqlUrl: 'mysql://root@127.0.0.1:3306',
    redisUrl: 'redis://127.0.0.1:6379',
    resultsDir: join(REPO_ROOT, 'bench', 'results'),
    keep: false,
    verbose: false,
    managerEnv: {},
    managerNodeArgs: [],
    ingest: { requests: 10_000, connections: 200, warmup: 500 },
    burst: { jobs: 10_000, workers: 2, persistConcurrency: 100 },
    sustained: { jobs: 1_000, seconds: 120, managers: 2, workers: 2, persistConcurrency: 100 },
    substrate: { loads: ['burst', 'sustained'], burstJobs: 10_000, sustainedJobs: 1_000, seconds: 120 },
    light: { jobs: 20, seconds: 60, workers: 1, persistConcurrency: 100 },
    scaleout: { jobs: 1_000, seconds: 120, workers: 2, persistConcurrency: 100 },
    footprint: { jobs: 100_000, persistConcurrency: 100, settleSeconds: 30 },
    soak: {
      jobs: 300,
      seconds: 600,
      faultEverySeconds: 60,
      faults: [...SOAK_FAULTS],
      freezeSeconds: 30,
      downSeconds: 5,
      persistConcurrency: 100,
    },
  };
}

export const USAGE = `Usage: node bench/dist/main.js [scenario ...] [options]

Scenarios (default: all but soak, run in this order): ${SCENARIO_NAMES.join(', ')}

Options (each also as an environment variable, e.g. BENCH_RUNS=1):
  --runs N                  runs of each scenario (default 3)
  --jobs N                  one scale for every scenario (requests, jobs), e.g. --jobs 200 for a smoke run
  --ingest-requests N       requests per ingest phase (default 10000)
  --connections N           ingest concurrency (default 200)
  --warmup N                unmeasured requests before each ingest phase (default 500)
  --burst-jobs N            one-shot jobs due at the same second (default 10000)
  --workers N               worker processes in burst, sustained and scaleout (default 2)
  --sustained-jobs N        every-second jobs (default 1000)
  --seconds N               sustained and substrate-sustained duration (default 120)
  --managers N              managers in sustained (default 2)
  --light-jobs N            light: every-second jobs (default 20; not changed by --jobs)
  --light-seconds N         light: duration, for Chaconne and for BullMQ (default 60)
  --scaleout-jobs N         scaleout: every-second jobs, on 1 then 2 managers (default 1000)
  --scaleout-seconds N      scaleout: duration of each of the two loads (default 120)
  --duration N              every timed load: sustained, substrate, light, scaleout
  --substrate-loads LIST    burst,sustained (default both)
  --footprint-jobs N        cron jobs defined (default 100000)
  --settle-seconds N        footprint: steady window after the schedules are in Redis (default 30)
  --persist-concurrency N   persistJob requests in flight while setting up (default 100)
  --soak-jobs N             soak: every-second jobs (default 300)
  --soak-seconds N          soak: duration (default 600)
  --fault-every N           soak: seconds between faults (default 60)
  --soak-faults LIST        soak: ${SOAK_FAULTS.join(',')} (default all, in turn)
  --freeze-seconds N        soak: how long a manager stays SIGSTOPped (default 30)
  --down-seconds N          soak: how long a killed process or Redis stays down (default 5)
  --manager-env K=V,...     extra settings of every manager, e.g. CHACONNE_FIRE_CONCURRENCY=128
  --manager-node-args ARGS  Node.js flags of every manager, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --mysql-url URL           server only, no database (default mysql://root@127.0.0.1:3306)
  --redis-url URL           (default redis://127.0.0.1:6379)
  --results-dir DIR         (default bench/results)
  --keep                    keep each run's database and Redis keys
  --verbose                 echo the processes' output
`;

export class OptionsError extends Error {}

/** The shortest timed load that still has a counted second (see edgeMs in every-second-load.ts). */
const MIN_SECONDS = 4;

function positiveInt(flag: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min)
    throw new OptionsError(`${flag} must be an integer >= ${min} (got "${raw}")`);
  return n;
}

function isScenario(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

type Apply = (options: BenchOptions, value: string) => void;

/** Flags taking a value; the environment variable of `--foo-bar` is `BENCH_FOO_BAR`. */
const VALUE_FLAGS: Readonly<Record<string, Apply>> = {
  '--runs': (o, v) => (o.runs = positiveInt('--runs', v)),
  '--jobs': (o, v) => {
    const n = positiveInt('--jobs', v);
    o.ingest.requests = n;
    o.burst.jobs = n;
    o.sustained.jobs = n;
    o.substrate.burstJobs = n;
    o.substrate.sustainedJobs = n;
    o.scaleout.jobs = n;
    o.footprint.jobs = n;
  },
  '--ingest-requests': (o, v) => (o.ingest.requests = positiveInt('--ingest-requests', v)),
  '--connections': (o, v) => (o.ingest.connections = positiveInt('--connections', v)),
  '--warmup': (o, v) => (o.ingest.warmup = positiveInt('--warmup', v, 0)),
  '--burst-jobs': (o, v) => (o.burst.jobs = o.substrate.burstJobs = positiveInt('--burst-jobs', v)),
  '--workers': (o, v) =>
    (o.burst.workers = o.sustained.workers = o.scaleout.workers = positiveInt('--workers', v)),
  '--sustained-jobs': (o, v) =>
    (o.sustained.jobs = o.substrate.sustainedJobs = positiveInt('--sustained-jobs', v)),
  // The counting window drops a quarter (at most 5 s) at each end: a shorter load counts nothing.
  '--seconds': (o, v) =>
    (o.sustained.seconds = o.substrate.seconds = positiveInt('--seconds', v, MIN_SECONDS)),
  '--managers': (o, v) => (o.sustained.managers = positiveInt('--managers', v)),
  '--light-jobs': (o, v) => (o.light.jobs = positiveInt('--light-jobs', v)),
  '--light-seconds': (o, v) => (o.light.seconds = positiveInt('--light-seconds', v, MIN_SECONDS)),
  '--scaleout-jobs': (o, v) => (o.scaleout.jobs = positiveInt('--scaleout-jobs', v)),
  '--scaleout-seconds': (o, v) => (o.scaleout.seconds = positiveInt('--scaleout-seconds', v, MIN_SECONDS)),
  '--duration': (o, v) => {
    const n = positiveInt('--duration', v, MIN_SECONDS);
    o.sustained.seconds = o.substrate.seconds = o.light.seconds = o.scaleout.seconds = n;
  },
  '--substrate-loads': (o, v) => {
    const loads = v.split(',').map((l) => l.trim());
    const bad = loads.filter((l) => l !== 'burst' && l !== 'sustained');
    if (bad.length > 0 || loads.length === 0)
      throw new OptionsError(`--substrate-loads takes burst and/or sustained (got "${v}")`);
    o.substrate.loads = loads as SubstrateLoad[];
  },
  '--footprint-jobs': (o, v) => (o.footprint.jobs = positiveInt('--footprint-jobs', v)),
  '--settle-seconds': (o, v) => (o.footprint.settleSeconds = positiveInt('--settle-seconds', v, 0)),
  '--persist-concurrency': (o, v) => {
    const n = positiveInt('--persist-concurrency', v);
    o.burst.persistConcurrency = o.sustained.persistConcurrency = n;
    o.light.persistConcurrency = o.scaleout.persistConcurrency = n;
    o.footprint.persistConcurrency = o.soak.persistConcurrency = n;
  },
  '--soak-jobs': (o, v) => (o.soak.jobs = positiveInt('--soak-jobs', v)),
  // A warm-up, one fault and the time to see it recover.
  '--soak-seconds': (o, v) => (o.soak.seconds = positiveInt('--soak-seconds', v, 30)),
  '--fault-every': (o, v) => (o.soak.faultEverySeconds = positiveInt('--fault-every', v, 10)),
  '--soak-faults': (o, v) => {
    const faults = v.split(',').map((f) => f.trim());
    const bad = faults.filter((f) => !(SOAK_FAULTS as readonly string[]).includes(f));
    if (bad.length > 0 || faults.length === 0)
      throw new OptionsError(`--soak-faults takes ${SOAK_FAULTS.join(', ')} (got "${v}")`);
    o.soak.faults = faults as SoakFault[];
  },
  '--freeze-seconds': (o, v) => (o.soak.freezeSeconds = positiveInt('--freeze-seconds', v)),
  '--down-seconds': (o, v) => (o.soak.downSeconds = positiveInt('--down-seconds', v)),
  '--manager-env': (o, v) => {
    for (const pair of v.split(',')) {
      const match = /^\s*(CHACONNE_[A-Z0-9_]+)=(.*)$/.exec(pair);
      if (!match?.[1])
        throw new OptionsError(`--manager-env takes CHACONNE_NAME=value pairs (got "${pair}")`);
      o.managerEnv[match[1]] = match[2] ?? '';
    }
  },
  '--manager-node-args': (o, v) => (o.managerNodeArgs = v.split(/\s+/).filter((arg) => arg !== '')),
  '--mysql-url': (o, v) => (o.mysqlUrl = v.replace(/\/+$/, '')),
  '--redis-url': (o, v) => (o.redisUrl = v),
  '--results-dir': (o, v) => (o.resultsDir = v),
};

const BOOLEAN_FLAGS: Readonly<Record<string, (options: BenchOptions) => void>> = {
  '--keep': (o) => (o.keep = true),
  '--verbose': (o) => (o.verbose = true),
};

const envName = (flag: string): string => `BENCH_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`;

/**
 * Reads the options once: defaults, then `BENCH_*` environment variables, then the
 * command line (which wins). Throws {@link OptionsError} on anything it does not know.
 */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): BenchOptions {
  const options = defaultOptions();
  for (const [flag, apply] of Object.entries(VALUE_FLAGS)) {
    const value = env[envName(flag)]?.trim();
    if (value) apply(options, value);
  }
  for (const [flag, apply] of Object.entries(BOOLEAN_FLAGS)) {
    const value = env[envName(flag)]?.trim();
    if (value && value !== '0' && value !== 'false') apply(options);
  }
  const scenarios: ScenarioName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    const takesValue = VALUE_FLAGS[flag];
    const toggle = BOOLEAN_FLAGS[flag];
    if (takesValue) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new OptionsError(`${flag} needs a value`);
      takesValue(options, value);
    } else if (toggle) {
      toggle(options);
    } else if (isScenario(arg)) {
      scenarios.push(arg);
    } else {
      throw new OptionsError(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  if (scenarios.length > 0) options.scenarios = SCENARIO_NAMES.filter((name) => scenarios.includes(name));
  return options;
}
