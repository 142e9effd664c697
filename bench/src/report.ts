import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine';
import type { BenchOptions, ScenarioName } from './options';
import { meets, type FigureSpec, type RunResult, type Scenario, type Target } from './scenario';
import { round, spread, type Spread } from './stats';

/** One figure over a scenario's runs. */
export interface FigureSummary {
  key: string;
  label: string;
  unit: string;
  /** Each run's value, in run order. */
  values: (number | null)[];
  spread: Spread | null;
  target?: Target;
  /** Whether the median meets the target (absent without a target or a value). */
  met?: boolean;
  anchor?: string;
}

export interface ScenarioReport {
  name: ScenarioName;
  title: string;
  runs: RunResult[];
  figures: FigureSummary[];
  /** Every distinct note of the runs. */
  notes: string[];
}

export function summarize(scenario: Scenario, runs: RunResult[]): ScenarioReport {
  const figures = scenario.figures.map((spec: FigureSpec): FigureSummary => {
    const values = runs.map((r) => {
      const value = r.figures[spec.key];
      return value === undefined || value === null ? null : round(value);
    });
    const summary = spread(values);
    return {
      ...spec,
      values,
      spread: summary,
      ...(spec.target && summary ? { met: meets(summary.median, spec.target) } : {}),
    };
  });
  const notes = [...new Set(runs.flatMap((r) => r.notes))];
  return { name: scenario.name, title: scenario.title, runs, figures, notes };
}

/** A number as a person reads it in the table: fewer decimals for bigger values. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const decimals = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: decimals });
}

function targetText(figure: FigureSummary): string {
  if (!figure.target) return '';
  const op = { '>=': '≥', '<=': '≤', '=': '=' }[figure.target.op];
  const verdict = figure.met === undefined ? '' : figure.met ? ' ✅' : ' ❌';
  return `${op} ${formatNumber(figure.target.value)}${verdict}`;
}

const cell = (value: number | undefined): string => (value === undefined ? '—' : formatNumber(value));

export function machineMarkdown(machine: MachineInfo): string {
  return [
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB RAM, Linux ${machine.kernel}`,
    `- Node ${machine.node}, MariaDB ${machine.mariadb}, Redis ${machine.redis}`,
    `- Commit ${machine.commit}${machine.dirty ? ' with uncommitted changes' : ''}; load average at start ${machine.loadAverage.join(' / ')}`,
  ].join('\n');
}

export function scenarioMarkdown(report: ScenarioReport): string {
  const runs = report.runs.length;
  const lines = [
    `### ${report.title}`,
    '',
    `| Figure | Median | Min | Max | Target | xcron |`,
    `| --- | ---: | ---: | ---: | --- | --- |`,
  ];
  for (const f of report.figures) {
    const label = f.unit ? `${f.label} (${f.unit})` : f.label;
    lines.push(
      `| ${label} | ${cell(f.spread?.median)} | ${cell(f.spread?.min)} | ${cell(f.spread?.max)} | ${targetText(f)} | ${f.anchor ?? ''} |`,
    );
  }
  lines.push('', `${runs} run${runs === 1 ? '' : 's'}.${report.notes.length > 0 ? ' Notes:' : ''}`);
  for (const note of report.notes) lines.push(`- ${note}`);
  return lines.join('\n');
}

export function benchMarkdown(
  machine: MachineInfo,
  reports: ScenarioReport[],
  startedAt: Date,
  managerEnv: Readonly<Record<string, string>> = {},
): string {
  const settings = Object.entries(managerEnv).map(([key, value]) => `${key}=${value}`);
  return [
    `## Chaconne benchmarks, ${startedAt.toISOString()}`,
    '',
    machineMarkdown(machine),
    '- Everything (MariaDB, Redis, managers, workers, load generator) shares these cores.',
    ...(settings.length > 0 ? [`- Manager settings: ${settings.join(', ')}`] : []),
    '',
    ...reports.flatMap((r) => [scenarioMarkdown(r), '']),
  ].join('\n');
}

/** Writes `<scenario>-<timestamp>.json` per scenario and `latest.md`; answers the paths. */
export function writeResults(
  dir: string,
  startedAt: Date,
  machine: MachineInfo,
  options: BenchOptions,
  reports: ScenarioReport[],
  markdown: string,
): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const files: string[] = [];
  for (const report of reports) {
    const file = join(dir, `${report.name}-${stamp}.json`);
    const settings = {
      runs: options.runs,
      managerEnv: options.managerEnv,
      [report.name]: options[report.name],
    };
    writeFileSync(file, `${JSON.stringify({ startedAt, machine, options: settings, ...report }, null, 2)}\n`);
    files.push(file);
  }
  const latest = join(dir, 'latest.md');
  writeFileSync(latest, `${markdown}\n`);
  files.push(latest);
  return files;
}
