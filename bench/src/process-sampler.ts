import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ), 100 on every usual Linux. */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), or null once the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The pids of processes named `comm` (e.g. `mariadbd`, `redis-server`), for context figures. */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds every process on the machine has used so far (all cores; /proc/stat minus idle and iowait). */
export function machineCpuSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
}

/** What one sampled group of processes did over the sampling window. */
export interface ProcessUsage {
  /** CPU used, as % of one core, averaged over the window (200 = both cores busy). */
  cpuPercent: number;
  /** Highest summed RSS seen, MB. */
  peakRssMb: number;
  /** Summed RSS at the last sample, MB. */
  lastRssMb: number;
}

const MB = 1024 * 1024;

/**
 * Samples the CPU time and RSS of named groups of processes every `everyMs`
 * (/proc/<pid>/stat and /proc/<pid>/status). A group's figures are the sums over its pids.
 * The extra group `others` is the CPU every other process on the machine used meanwhile
 * (/proc/stat minus the groups): work that was not the bench's.
 */
export class ProcessSampler {
  private startMachineCpu = 0;
  private readonly startCpu = new Map<string, number>();
  private readonly peakRss = new Map<string, number>();
  private readonly lastRss = new Map<string, number>();
  /** Each pid's CPU seconds when last read: a process that exits meanwhile keeps what it used. */
  private readonly lastCpu = new Map<number, number>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: Readonly<Record<string, readonly number[]>>,
    private readonly everyMs = 1_000,
  ) {
    if ('others' in groups) throw new Error('"others" is the name of the rest of the machine');
  }

  private cpuOf(pids: readonly number[]): number {
    let sum = 0;
    for (const pid of pids) {
      const cpu = cpuSeconds(pid) ?? this.lastCpu.get(pid) ?? 0;
      this.lastCpu.set(pid, cpu);
      sum += cpu;
    }
    return sum;
  }

  private sample(): void {
    for (const pids of Object.values(this.groups)) this.cpuOf(pids);
    for (const [name, pids] of Object.entries(this.groups)) {
      const rss = pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
      this.lastRss.set(name, rss);
      this.peakRss.set(name, Math.max(this.peakRss.get(name) ?? 0, rss));
    }
  }

  start(): this {
    this.startedAt = Date.now();
    this.startMachineCpu = machineCpuSeconds();
    for (const [name, pids] of Object.entries(this.groups)) this.startCpu.set(name, this.cpuOf(pids));
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, this.everyMs);
    return this;
  }

  /** Stops sampling and answers each group's usage over the window. */
  stop(): Record<string, ProcessUsage | undefined> {
    clearInterval(this.timer);
    this.sample();
    const seconds = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    const machineCpu = machineCpuSeconds() - this.startMachineCpu;
    let groupsCpu = 0;
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      const cpu = this.cpuOf(pids) - (this.startCpu.get(name) ?? 0);
      groupsCpu += cpu;
      usage[name] = {
        cpuPercent: (cpu / seconds) * 100,
        peakRssMb: (this.peakRss.get(name) ?? 0) / MB,
        lastRssMb: (this.lastRss.get(name) ?? 0) / MB,
      };
    }
    const othersCpu = Math.max(0, ((machineCpu - groupsCpu) / seconds) * 100);
    return { ...usage, others: { cpuPercent: othersCpu, peakRssMb: 0, lastRssMb: 0 } };
  }
}

/**
 * A sampler of the given groups plus the shared servers (`mariadb`, `redis`) and this bench
 * process (`bench`: the load generator, the BullMQ worker), so that `others` is only work
 * that has nothing to do with the run.
 */
export function runSampler(groups: Readonly<Record<string, readonly number[]>>): ProcessSampler {
  return new ProcessSampler({
    ...groups,
    bench: [process.pid],
    mariadb: pidsNamed('mariadbd'),
    redis: pidsNamed('redis-server'),
  });
}
