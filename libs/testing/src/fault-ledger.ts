import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * The fault worker's own record of what its handlers did, independent of the manager:
 * one JSON line per event, appended synchronously, so a line written before a SIGKILL is
 * on disk (in the page cache) whatever happens to the process next.
 */
export interface LedgerEntry {
  event: 'start' | 'end';
  runId: number;
  jobId: number;
  jobName: string;
  attempt: number;
  /** The occurrence the run belongs to (epoch ms). */
  plannedAt: number;
  pid: number;
  instanceId: string;
  /** When the event happened (epoch ms). */
  at: number;
  /** On `end`: how the handler ended. */
  outcome?: 'completed' | 'failed';
}

/** Appends one entry to a ledger file (created on first use). */
export function appendLedger(file: string, entry: LedgerEntry): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/**
 * Every entry of the given ledger files. A torn last line (a process killed in the middle
 * of a write) is skipped: the entry before it is whole, and a start that left no line was
 * never recorded as one.
 */
export function readLedgers(files: readonly string[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as LedgerEntry);
      } catch {
        // a torn write at a kill
      }
    }
  }
  return entries;
}
