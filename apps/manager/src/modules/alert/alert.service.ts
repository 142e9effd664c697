import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import { addressList, MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { MAX_REASON_CHARS, MAX_STACK_CHARS, renderAlertMail, truncate } from './alert-mail-content';
import type { RunAlert } from './run-alert';

export type { AlertEvent, RunAlert } from './run-alert';

/** Knobs the tests turn; production uses the defaults. */
export interface AlertTuning {
  /** The clock of the throttle. */
  now?: () => number;
  /** Waits before each retry of a transient SMTP failure; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  queueCapacity?: number;
  concurrency?: number;
  drainTimeoutMs?: number;
}

export const ALERT_TUNING = Symbol('ALERT_TUNING');

const DEFAULTS: Required<AlertTuning> = {
  now: Date.now,
  retryDelaysMs: [1_000, 5_000],
  queueCapacity: 1_000,
  concurrency: 2,
  drainTimeoutMs: 5_000,
};

/** Counters since start, for logs, health and tests. */
export interface AlertStats {
  /** Mails waiting in the queue. */
  queued: number;
  /** Mails being sent (or waiting for a retry). */
  sending: number;
  sent: number;
  /** Mails given up on after their last attempt. */
  failed: number;
  /** Retries of transient SMTP failures. */
  retried: number;
  /** Alerts held back by the per-job throttle. */
  suppressed: number;
  /** Alerts dropped because the queue was full or the manager was stopping. */
  dropped: number;
}

interface QueuedMail {
  alert: RunAlert;
  to: string[];
  suppressed: number;
}

interface ThrottleSlot {
  sentAt: number;
  suppressed: number;
}

/** Above this many throttle slots, the expired ones are pruned. */
const THROTTLE_PRUNE_AT = 10_000;
/** One overflow warning per this many milliseconds at most, however many alerts are dropped. */
const OVERFLOW_LOG_EVERY_MS = 60_000;
/** SMTP client errors without a reply code that a later attempt may not get. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

/**
 * Mails an alert about a run that failed for good, a terminated job or a frozen job to the
 * job's `email` addresses (Chaconne's mail alerting, reference §16). Unlike Chaconne it
 * mails only the final outcome, not every failed attempt, and throttles per job and event
 * kind so that a job failing every second does not flood its owners.
 *
 * {@link notify} never throws and never waits: mails go through a bounded in-memory queue
 * sent in the background. Alerts still queued when the manager stops are lost (after a
 * short drain); this is best-effort notification, not a durable outbox.
 */
@Injectable()
export class AlertService implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertService.name);
  private readonly tuning: Required<AlertTuning>;
  private readonly transport: Transporter | null;
  /** Strings never to print: the SMTP password, raw and decoded. */
  private readonly secrets: string[] = [];
  private readonly queue: QueuedMail[] = [];
  private readonly throttle = new Map<string, ThrottleSlot>();
  private readonly abort = new AbortController();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly counters = { sent: 0, failed: 0, retried: 0, suppressed: 0, dropped: 0 };
  private active = 0;
  private closed = false;
  private lastOverflowLog = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    @Optional() @Inject(ALERT_TUNING) tuning?: AlertTuning,
  ) {
    this.tuning = { ...DEFAULTS, ...tuning };
    this.transport = this.createTransport();
  }

  /**
   * Queues the alert mail of a run. Fire-and-forget: returns at once, never throws. No mail
   * when alerts are off (no `CHACONNE_SMTP_URL`), when the job has no recipients, or when
   * the throttle holds it back (the next mail counts it).
   */
  notify(alert: RunAlert): void {
    try {
      this.accept(alert);
    } catch (error) {
      this.logger.error(`an alert could not be queued: ${this.describe(error)}`);
    }
  }

  stats(): AlertStats {
    return { queued: this.queue.length, sending: this.active, ...this.counters };
  }

  /** Sends what is queued for up to `drainTimeoutMs`, then gives up on the rest and closes the transport. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.transport || this.closed) return;
    const drained = await this.whenIdle(this.tuning.drainTimeoutMs);
    this.closed = true;
    if (!drained) {
      const left = this.queue.length + this.active;
      this.counters.dropped += this.queue.length;
      this.queue.length = 0;
      // Cuts backoff waits short and cancels the sends in flight.
      this.abort.abort();
      this.logger.warn(
        `stopping: ${left} alert mail(s) not sent within ${this.tuning.drainTimeoutMs} ms are dropped`,
      );
      await this.whenIdle(1_000);
    }
    this.transport.close();
  }

  private createTransport(): Transporter | null {
    const { smtpUrl, alertFrom } = this.config;
    if (smtpUrl === null || alertFrom === null) {
      this.logger.log('Alert mails are off: CHACONNE_SMTP_URL is not set');
      return null;
    }
    const url = new URL(smtpUrl);
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    for (const secret of [url.password, pass]) if (secret !== '') this.secrets.push(secret);
    // The credentials go as options, decoded, and the URL without them: nodemailer reads
    // the URL's query options (e.g. ?tls.rejectUnauthorized=false) but not percent-encoding.
    url.username = '';
    url.password = '';
    const transport = createTransport({
      url: url.href,
      ...(user !== '' || pass !== '' ? { auth: { user, pass } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // Mails are built from run data only; never let a value be read as a file or URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const throttle = this.config.alertThrottleMs;
    this.logger.log(
      `Alert mails go through ${url.protocol}//${url.host}, ${throttle > 0 ? `at most one per job and event kind every ${throttle} ms` : 'unthrottled'}`,
    );
    return transport;
  }

  private accept(alert: RunAlert): void {
    if (!this.transport) return;
    const to = addressList(alert.recipients);
    if (to.length === 0) return;
    if (this.closed) {
      this.counters.dropped++;
      this.logger.warn(`run ${alert.runId}: alert of job ${alert.jobId} dropped, the manager is stopping`);
      return;
    }

    const key = `${alert.jobId}:${alert.event}`;
    const now = this.tuning.now();
    const slot = this.throttle.get(key);
    const window = this.config.alertThrottleMs;
    if (slot && window > 0 && now - slot.sentAt < window) {
      slot.suppressed++;
      this.counters.suppressed++;
      this.logger.debug(`run ${alert.runId}: ${alert.event} alert of job ${alert.jobId} throttled`);
      return;
    }
    if (this.queue.length >= this.tuning.queueCapacity) {
      this.counters.dropped++;
      if (now - this.lastOverflowLog >= OVERFLOW_LOG_EVERY_MS) {
        this.lastOverflowLog = now;
        this.logger.warn(
          `run ${alert.runId}: alert queue full (${this.tuning.queueCapacity}), alert dropped; ${this.counters.dropped} dropped so far`,
        );
      }
      return;
    }

    this.queue.push({ alert: snapshot(alert), to, suppressed: slot?.suppressed ?? 0 });
    this.throttle.set(key, { sentAt: now, suppressed: 0 });
    if (this.throttle.size > THROTTLE_PRUNE_AT) this.pruneThrottle(now);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.tuning.concurrency) {
      const item = this.queue.shift();
      if (!item) break;
      this.active++;
      void this.deliver(item).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) {
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
      });
    }
  }

  /** Sends one mail, retrying transient failures. Never rejects. */
  private async deliver(item: QueuedMail): Promise<void> {
    const { alert } = item;
    const transport = this.transport;
    if (!transport) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const mail = renderAlertMail(alert, {
          subjectPrefix: this.config.alertSubjectPrefix,
          suppressed: item.suppressed,
        });
        await transport.sendMail({
          from: this.config.alertFrom ?? undefined,
          to: item.to,
          cc: this.config.alertCc,
          ...mail,
          signal: this.abort.signal,
        });
        this.counters.sent++;
        this.logger.log(
          `run ${alert.runId}: ${alert.event} alert of job ${alert.jobId} mailed to ${item.to.length} recipient(s)`,
        );
        return;
      } catch (error) {
        const delay = this.tuning.retryDelaysMs[attempt - 1];
        if (delay !== undefined && isTransient(error) && !this.stopping()) {
          this.counters.retried++;
          this.logger.warn(
            `run ${alert.runId}: alert mail attempt ${attempt} failed (${this.describe(error)}); retrying in ${delay} ms`,
          );
          await this.pause(delay);
          if (!this.stopping()) continue;
        }
        this.counters.failed++;
        this.logger.error(
          `run ${alert.runId}: ${alert.event} alert of job ${alert.jobId} not mailed after ${attempt} attempt(s): ${this.describe(error)}`,
        );
        return;
      }
    }
  }

  /** Resolves true once nothing is queued or being sent, false after `timeoutMs`. */
  private whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.idleWaiters.indexOf(wake);
        if (i >= 0) this.idleWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(wake);
    });
  }

  /** Whether shutdown gave up on the remaining mails (a method: it changes across awaits). */
  private stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Waits `ms`, or less if the service is stopping. */
  private pause(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private pruneThrottle(now: number): void {
    const window = this.config.alertThrottleMs;
    for (const [key, slot] of this.throttle) {
      // A slot with suppressed alerts is kept: the next mail of its job reports them.
      if (now - slot.sentAt >= window && slot.suppressed === 0) this.throttle.delete(key);
    }
  }

  /**
   * An error as one log-safe line: code, SMTP reply code and message, without the password.
   * The error object itself is never logged: nodemailer may attach the AUTH command to it.
   */
  private describe(error: unknown): string {
    const e = error as Partial<NodemailerError> | null | undefined;
    const code = typeof e?.code === 'string' ? e.code : null;
    const reply = typeof e?.responseCode === 'number' ? e.responseCode : null;
    let message = typeof e?.message === 'string' ? e.message : String(error);
    for (const secret of this.secrets) message = message.split(secret).join('***');
    const head = [code, reply].filter((part) => part !== null).join(' ');
    return truncate(head ? `${head}: ${message}` : message, 500);
  }
}

/**
 * Whether a later attempt may succeed: a 4xx reply (or 503), or a connection that failed
 * without any reply. A 5xx reply, failed authentication or a bad configuration is final.
 */
export function isTransient(error: unknown): boolean {
  const e = error as Partial<NodemailerError> | null | undefined;
  if (typeof e?.responseCode === 'number')
    return typeof e.permanent === 'boolean' ? !e.permanent : e.responseCode >= 400 && e.responseCode < 500;
  return typeof e?.code === 'string' && TRANSIENT_CODES.has(e.code);
}

/** A copy the caller cannot change any more, its long texts cut to what the mail shows. */
function snapshot(alert: RunAlert): RunAlert {
  return {
    ...alert,
    jobKey: { ...alert.jobKey },
    reason: alert.reason === null ? null : truncate(alert.reason, MAX_REASON_CHARS),
    errorStack: alert.errorStack === null ? null : truncate(alert.errorStack, MAX_STACK_CHARS),
  };
}
