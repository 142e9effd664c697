import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(relativeTime);

/** An instant in the browser's time zone, to the second; '—' when there is none. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—';
}

/** "3 minutes ago" / "in 2 hours". */
export function fromNow(iso: string | null | undefined): string {
  return iso ? dayjs(iso).fromNow() : '—';
}

/** A duration in words at a useful precision: 850 ms, 12.3 s, 4 min 05 s, 2 h 10 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  if (abs < 3_600_000) {
    const s = Math.round(abs / 1000);
    return `${sign}${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  }
  const m = Math.round(abs / 60_000);
  return `${sign}${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Milliseconds between two instants, or null when either is missing. */
export function between(from: string | null | undefined, to: string | null | undefined): number | null {
  return from && to ? dayjs(to).diff(dayjs(from)) : null;
}
