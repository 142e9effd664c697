import type { ChaconneWorker } from '@chaconne/worker';

/** A demo runtime once its HTTP server listens (registration goes on in the background). */
export interface RunningWorker {
  readonly worker: ChaconneWorker;
  /** The port the HTTP server listens on. */
  readonly port: number;
  /** The address the HTTP server listens on, as a URL (`http://127.0.0.1:8088`). */
  readonly url: string;
  /** Graceful shutdown: drains in-flight runs, deregisters, then closes the HTTP server. Idempotent. */
  close(): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The entry point of a runtime: starts it, logs where it listens and when the manager
 * accepted it, and shuts it down gracefully on SIGTERM or SIGINT (a second signal kills at
 * once). Exits with status 1 if it cannot start or the manager refuses it for good.
 */
export function runMain(name: string, start: () => Promise<RunningWorker>): void {
  start().then(
    (running) => {
      let closing = false;
      const shutdown = (why: string, exitCode: number): void => {
        if (closing) return;
        closing = true;
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        console.log(`[${name}] ${why}: draining in-flight runs, then deregistering`);
        running.close().then(
          () => {
            console.log(`[${name}] stopped`);
            process.exitCode = exitCode;
          },
          (error: unknown) => {
            console.error(`[${name}] shutdown failed: ${message(error)}`);
            process.exitCode = 1;
          },
        );
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        shutdown(signal, 0);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      console.log(`[${name}] listening on ${running.url}`);
      running.worker.ready.then(
        () => {
          console.log(`[${name}] registered; the manager reaches it at ${running.worker.baseUrl ?? '?'}`);
        },
        (error: unknown) => {
          if (!closing) shutdown(`not registered (${message(error)})`, 1);
        },
      );
    },
    (error: unknown) => {
      console.error(`[${name}] failed to start:`, error);
      process.exit(1);
    },
  );
}
