import { enumName, RunningState } from '@chaconne/contracts';
import type { AlertEvent, RunAlert } from './run-alert';

/** The rendered parts of one alert mail. */
export interface AlertMail {
  subject: string;
  text: string;
  html: string;
}

export interface AlertMailOptions {
  subjectPrefix: string;
  /** Alerts of the same job and event kind held back by the throttle since the last mail. */
  suppressed: number;
}

/** Longest reason and stack trace put in a mail (and held in the queue); the rest is cut. */
export const MAX_REASON_CHARS = 4_000;
export const MAX_STACK_CHARS = 16_000;

const EVENTS: Readonly<Record<AlertEvent, { label: string; happened: string }>> = {
  failed: { label: 'FAILED', happened: 'failed on its last attempt' },
  terminated: { label: 'TERMINATED', happened: 'was terminated by its handler: the job is finished' },
  frozen: { label: 'FROZEN', happened: 'timed out and was frozen' },
};

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Cuts `value` to `max` characters, saying so. */
export function truncate(value: string, max: number): string {
  return value.length <= max
    ? value
    : `${value.slice(0, max)}\n… (${value.length - max} more characters cut)`;
}

/** `cluster/group/jobName`, the job as the subject names it. */
export function jobPath(alert: Pick<RunAlert, 'jobKey'>): string {
  const { clusterName, groupName, jobName } = alert.jobKey;
  return `${clusterName}/${groupName}/${jobName}`;
}

function isoOrUnknown(date: Date): string {
  // An invalid Date would make toISOString throw; a mail must still go out.
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : 'unknown';
}

function suppressedLine(n: number): string | null {
  return n > 0 ? `${n} similar alert${n === 1 ? '' : 's'} suppressed since the last mail` : null;
}

/** The subject, plain text and HTML of an alert mail. Every value from the run is escaped in the HTML. */
export function renderAlertMail(alert: RunAlert, options: AlertMailOptions): AlertMail {
  const event = EVENTS[alert.event];
  const path = jobPath(alert);
  // Header values are single-line: a job name with a line break must not reach the header.
  const subject = `${options.subjectPrefix} ${event.label} ${path} (run ${alert.runId})`
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  const state = enumName(RunningState, alert.runningState) ?? 'UNKNOWN';
  const rows: [string, string][] = [
    ['Cluster', alert.jobKey.clusterName],
    ['Group', alert.jobKey.groupName],
    ['Job name', alert.jobKey.jobName],
    ['Job class', alert.jobKey.jobClassName],
    ['Job id', String(alert.jobId)],
    ['Run (trace id)', String(alert.runId)],
    ['Attempt', String(alert.attempt)],
    ['Planned at (UTC)', isoOrUnknown(alert.plannedAt)],
    ['Running state', `${state} (${alert.runningState})`],
    ['Instance', alert.instanceId ?? '-'],
    ['Reason', alert.reason === null ? '-' : truncate(alert.reason, MAX_REASON_CHARS)],
  ];
  const headline = `Job ${path} ${event.happened} (run ${alert.runId}, attempt ${alert.attempt}).`;
  const suppressed = suppressedLine(options.suppressed);
  const stack = alert.errorStack === null ? null : truncate(alert.errorStack, MAX_STACK_CHARS);

  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const text = [
    headline,
    ...(suppressed ? ['', `(${suppressed})`] : []),
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    ...(stack ? ['', 'Stack trace:', stack] : []),
    '',
  ].join('\n');

  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif">',
    `<p>${escapeHtml(headline)}</p>`,
    ...(suppressed ? [`<p><em>${escapeHtml(suppressed)}</em></p>`] : []),
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...rows.map(
      ([label, value]) =>
        `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td style="white-space:pre-wrap">${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    ...(stack ? ['<h4>Stack trace</h4>', `<pre>${escapeHtml(stack)}</pre>`] : []),
    '</body></html>',
    '',
  ].join('\n');

  return { subject, text, html };
}
