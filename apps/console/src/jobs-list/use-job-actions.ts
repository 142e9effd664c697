import type { JobKey } from '@chaconne/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useJobManager } from '../api/api-context';
import { confirmAction } from '../components/confirm';
import { notifyFailure, notifySuccess } from '../components/notify';

type Action = 'pause' | 'resume' | 'delete';

const WORDS: Record<Action, { doing: string; done: string }> = {
  pause: { doing: 'Pausing', done: 'paused' },
  resume: { doing: 'Resuming', done: 'resumed' },
  delete: { doing: 'Deleting', done: 'deleted (FINISHED)' },
};

/** The row actions of a job: pause, resume and delete (after confirmation), each reported. */
export function useJobActions() {
  const jobManager = useJobManager();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: ({ action, jobKey }: { action: Action; jobKey: JobKey }) => {
      if (action === 'pause') return jobManager.pauseJob(jobKey);
      if (action === 'resume') return jobManager.resumeJob(jobKey);
      return jobManager.deleteJob(jobKey);
    },
    onSuccess: (_, { action, jobKey }) => {
      notifySuccess(`${jobKey.jobName} ${WORDS[action].done}`);
    },
    onError: (error, { action, jobKey }) => {
      notifyFailure(`${WORDS[action].doing} ${jobKey.jobName}`, error);
    },
    // Lists, counts and the job's own pages all show the state.
    onSettled: () => queryClient.invalidateQueries(),
  });
  return {
    pending: mutation.isPending,
    pause: (jobKey: JobKey) => {
      mutation.mutate({ action: 'pause', jobKey });
    },
    resume: (jobKey: JobKey) => {
      mutation.mutate({ action: 'resume', jobKey });
    },
    remove: (jobKey: JobKey) => {
      confirmAction({
        title: `Delete ${jobKey.jobName}?`,
        message: 'The job becomes FINISHED: it never runs again; its history stays.',
        irreversible: true,
        onConfirm: () => {
          mutation.mutate({ action: 'delete', jobKey });
        },
      });
    },
  };
}
