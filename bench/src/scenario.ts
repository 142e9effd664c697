import type { BenchOptions, ScenarioName } from './options';

/** A goal from the issue, checked against a figure's median. */
export interface Target {
  op: '>=' | '<=' | '=';
  value: number;
}

/** One reported figure: how it is named and read, and what it is compared with. */
export interface FigureSpec {
  key: string;
  label: string;
  unit: string;
  target?: Target;
  /** xcron's published figure this one stands beside (README §7), as text. */
  anchor?: string;
}

/** What one run of a scenario measured; null = not measured in this run (see the notes). */
export interface RunResult {
  figures: Record<string, number | null>;
  notes: string[];
}

export interface ScenarioContext {
  /** 0-based index of this run among the scenario's runs. */
  runIndex: number;
  /** Results of the scenarios that already ran in this invocation (substrate pairs with them). */
  earlier: ReadonlyMap<ScenarioName, readonly RunResult[]>;
  log: (message: string) => void;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  figures: readonly FigureSpec[];
  run(options: BenchOptions, context: ScenarioContext): Promise<RunResult>;
}

export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '=':
      return value === target.value;
  }
}

/** A collector for one run's figures and notes. */
export class RunRecorder {
  readonly figures: Record<string, number | null> = {};
  readonly notes: string[] = [];

  constructor(private readonly specs: readonly FigureSpec[]) {}

  set(key: string, value: number | null): void {
    if (!this.specs.some((s) => s.key === key)) throw new Error(`no figure "${key}" in this scenario`);
    this.figures[key] = value === null || Number.isFinite(value) ? value : null;
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  result(): RunResult {
    for (const spec of this.specs) this.figures[spec.key] ??= null;
    return { figures: this.figures, notes: this.notes };
  }
}
