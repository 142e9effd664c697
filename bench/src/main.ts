/**
 * `npm run bench [-- scenario ... --runs N ...]`: runs each scenario `runs` times against
 * real manager and worker processes (a fresh database and Redis prefix per run), prints a
 * Markdown table of median/min/max per figure and writes bench/results/. See bench/README.md.
 */
import { machineInfo, type MachineInfo } from './machine';
import { type BenchOptions, OptionsError, parseOptions, type ScenarioName, USAGE } from './options';
import { benchMarkdown, type ScenarioReport, summarize, writeResults } from './report';
import type { RunResult, Scenario } from './scenario';
import { burstScenario } from './scenarios/burst';
import { footprintScenario } from './scenarios/footprint';
import { ingestScenario } from './scenarios/ingest';
import { lightScenario } from './scenarios/light';
import { scaleoutScenario } from './scenarios/scaleout';
import { soakScenario } from './scenarios/soak';
import { substrateScenario } from './scenarios/substrate';
import { sustainedScenario } from './scenarios/sustained';

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  ingest: ingestScenario,
  burst: burstScenario,
  sustained: sustainedScenario,
  substrate: substrateScenario,
  light: lightScenario,
  scaleout: scaleoutScenario,
  footprint: footprintScenario,
  soak: soakScenario,
};

export interface BenchReport {
  machine: MachineInfo;
  scenarios: ScenarioReport[];
  markdown: string;
  files: string[];
  /** Runs that threw (their figures are empty and a note says why). */
  failedRuns: number;
}

const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs the chosen scenarios, each `options.runs` times, and writes the results. */
export async function runBench(
  options: BenchOptions,
  print: (line: string) => void = console.log,
): Promise<BenchReport> {
  const startedAt = new Date();
  const machine = await machineInfo(options);
  print(
    `[bench] ${machine.cores} cores ${machine.cpuModel}, Node ${machine.node}, MariaDB ${machine.mariadb}, Redis ${machine.redis}`,
  );
  const earlier = new Map<ScenarioName, RunResult[]>();
  const reports: ScenarioReport[] = [];
  let failedRuns = 0;
  for (const name of options.scenarios) {
    const scenario = SCENARIOS[name];
    const runs: RunResult[] = [];
    for (let runIndex = 0; runIndex < options.runs; runIndex++) {
      const began = Date.now();
      const tag = `[bench] ${name} ${runIndex + 1}/${options.runs}`;
      print(`${tag}: starting`);
      try {
        runs.push(
          await scenario.run(options, {
            runIndex,
            earlier,
            log: (message) => {
              print(`${tag} (${elapsed(began)}): ${message}`);
            },
          }),
        );
        print(`${tag}: done in ${elapsed(began)}`);
      } catch (error) {
        failedRuns++;
        const message = error instanceof Error ? error.message : String(error);
        print(`${tag}: FAILED after ${elapsed(began)}: ${message}`);
        runs.push({ figures: {}, notes: [`run ${runIndex + 1} failed: ${message.split('\n')[0] ?? ''}`] });
      }
    }
    earlier.set(name, runs);
    reports.push(summarize(scenario, runs));
  }
  const markdown = benchMarkdown(machine, reports, startedAt, options.managerEnv);
  const files = writeResults(options.resultsDir, startedAt, machine, options, reports, markdown);
  print(`\n${markdown}`);
  print(`[bench] wrote ${files.join(', ')} (${elapsed(startedAt.getTime())} in all)`);
  return { machine, scenarios: reports, markdown, files, failedRuns };
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    const argv = process.argv.slice(2);
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(USAGE);
      process.exit(0);
    }
    options = parseOptions(argv, process.env);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  runBench(options).then(
    (report) => {
      process.exitCode = report.failedRuns > 0 ? 1 : 0;
    },
    (error: unknown) => {
      console.error('[bench] failed:', error);
      process.exitCode = 1;
    },
  );
}
