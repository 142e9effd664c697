import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sleep } from '@chaconne/testing';
import { REPO_ROOT } from './paths';

/** Lines kept per process: enough to diagnose a failure, bounded over a long run. */
const KEPT_LINES = 5_000;

/** A child process whose recent output is kept for diagnostics (and echoed with --verbose). */
export class ProcessHandle {
  private readonly kept: string[] = [];
  /** Settles when the process has exited. */
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    echo: boolean,
  ) {
    let partial = '';
    const collect = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        this.kept.push(line);
        if (echo) console.log(`  [${name}] ${line}`);
      }
      if (this.kept.length > KEPT_LINES) this.kept.splice(0, this.kept.length - KEPT_LINES);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid (it did not start)`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last `count` lines of output. */
  tail(count = 40): string {
    return this.kept.slice(-count).join('\n');
  }

  /** Waits for an output line matching `pattern`; fails with the recent output if none comes. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.kept.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (!this.running) break;
      await sleep(50);
    }
    throw new Error(
      `${this.name}: no line matching ${String(pattern)} within ${timeoutMs} ms${
        this.running ? '' : ` (exited with ${this.child.signalCode ?? String(this.child.exitCode)})`
      }. Output:\n${this.tail()}`,
    );
  }

  /** SIGTERM (graceful: workers drain and deregister), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts a built Node entry point with exactly `env` (plus PATH), output piped to the handle. */
export function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  echo: boolean,
  nodeArgs: readonly string[] = [],
): ProcessHandle {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ProcessHandle(name, child, echo);
}
