import type { JobLog, RunningState } from '@chaconne/client';
import { useEffect, useRef, useState } from 'react';
import { useJobManager } from '../api/api-context';

export type TailStatus = 'live' | 'ended' | 'failed';

/** New lines are rendered together at most this often, not one render per line. */
const FLUSH_MS = 100;

/**
 * The live tail of a run's log (server-sent events): the stored lines, then each new one (the
 * manager sends each line once, in order: two equal lines are two lines). `onEnd` runs when the run ends. The stream is closed on unmount; `retry`
 * opens it again after a failure.
 */
export function useLogTail(traceId: number, onEnd: (runningState: RunningState) => void) {
  const jobManager = useJobManager();
  const [lines, setLines] = useState<JobLog[]>([]);
  const [status, setStatus] = useState<TailStatus>('live');
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const onEndRef = useRef(onEnd);
  useEffect(() => {
    onEndRef.current = onEnd;
  }, [onEnd]);

  useEffect(() => {
    const controller = new AbortController();
    let pending: JobLog[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = pending;
      pending = [];
      setLines((current) => [...current, ...batch]);
    };
    setLines([]);
    setStatus('live');
    setError(null);

    const follow = async () => {
      try {
        for await (const event of jobManager.tailJobLog(traceId, { signal: controller.signal })) {
          if (event.type === 'log') {
            pending.push(event.log);
            timer ??= setTimeout(flush, FLUSH_MS);
          } else {
            if (timer) clearTimeout(timer);
            flush();
            setStatus('ended');
            onEndRef.current(event.runningState);
            return;
          }
        }
        if (!controller.signal.aborted) throw new Error('The log stream closed before the run ended.');
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e);
        setStatus('failed');
      }
    };
    void follow();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [jobManager, traceId, attempt]);

  return {
    lines,
    status,
    error,
    retry: () => {
      setAttempt((a) => a + 1);
    },
  };
}
