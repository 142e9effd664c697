import { type JobDetail, type JobKey, JobState } from '@chaconne/client';
import { Button, Group } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useJobManager } from '../api/api-context';
import { confirmAction } from '../components/confirm';
import { jobStateName } from '../components/enum-names';
import { notifyFailure, notifySuccess } from '../components/notify';
import { RunNowModal } from '../components/run-now-modal';
import { paths } from '../paths';
import { useRefreshAfterChange } from './job-queries';

type Transition = 'pause' | 'resume' | 'schedule' | 'unschedule' | 'finish' | 'delete';

const LABELS: Record<Transition, string> = {
  pause: 'Pause',
  resume: 'Resume',
  schedule: 'Schedule',
  unschedule: 'Unschedule',
  finish: 'Finish',
  delete: 'Delete',
};

/** The transitions the manager allows from each state (see JobManager's lifecycle methods). */
function allowed(state: JobState): Transition[] {
  switch (state) {
    case JobState.SCHEDULING:
    case JobState.RUNNING:
      return ['pause', 'unschedule', 'delete'];
    case JobState.PAUSED:
      return ['resume', 'unschedule', 'delete'];
    case JobState.NOT_SCHEDULED:
      return ['schedule', 'finish', 'delete'];
    case JobState.FROZEN:
      return ['schedule', 'unschedule', 'delete'];
    case JobState.FINISHED:
      return [];
  }
}

/** What a destructive transition does, said before it happens; null for the harmless ones. */
function warning(transition: Transition, name: string): { message: string; irreversible: boolean } | null {
  switch (transition) {
    case 'unschedule':
      return {
        message: `${name} loses its schedule and goes to NOT_SCHEDULED: it will not fire until you schedule it again. Runs in flight go on.`,
        irreversible: false,
      };
    case 'finish':
      return {
        message: `${name} goes to FINISHED for good: it will never run again. Its runs and history stay.`,
        irreversible: true,
      };
    case 'delete':
      return {
        message: `${name} is deleted: it goes to FINISHED and will never run again. Its runs, logs and history stay.`,
        irreversible: true,
      };
    case 'pause':
    case 'resume':
    case 'schedule':
      return null;
  }
}

/** The lifecycle buttons of a job, the ones its state allows. */
export function JobActions({ job }: { job: JobDetail }) {
  const jobManager = useJobManager();
  const refresh = useRefreshAfterChange();
  const navigate = useNavigate();
  const [running, setRunning] = useState<JobKey | null>(null);
  const key: JobKey = job.jobKey;
  const state = job.jobRuntime.jobState;

  const change = useMutation({
    mutationFn: (transition: Transition) => {
      const calls: Record<Transition, (k: JobKey) => Promise<JobState>> = {
        pause: (k) => jobManager.pauseJob(k),
        resume: (k) => jobManager.resumeJob(k),
        schedule: (k) => jobManager.scheduleJob(k),
        unschedule: (k) => jobManager.unscheduleJob(k),
        finish: (k) => jobManager.finishJob(k),
        delete: (k) => jobManager.deleteJob(k),
      };
      return calls[transition](key);
    },
    onSuccess: (next, transition) => {
      notifySuccess(`${LABELS[transition]}: ${key.jobName} is now ${jobStateName(next)}.`);
    },
    onError: (error, transition) => {
      notifyFailure(`${LABELS[transition]} ${key.jobName}`, error);
    },
    onSettled: () => refresh(),
  });

  const act = (transition: Transition) => {
    const warn = warning(transition, key.jobName);
    if (!warn) {
      change.mutate(transition);
      return;
    }
    confirmAction({
      title: `${LABELS[transition]} ${key.jobName}?`,
      message: warn.message,
      irreversible: warn.irreversible,
      onConfirm: () => {
        change.mutate(transition);
      },
    });
  };

  const transitions = allowed(state);
  const button = (t: Transition, color?: string) =>
    transitions.includes(t) && (
      <Button
        key={t}
        size="xs"
        variant={color ? 'light' : 'default'}
        color={color}
        loading={change.isPending && change.variables === t}
        onClick={() => {
          act(t);
        }}
      >
        {LABELS[t]}
      </Button>
    );

  return (
    <Group gap="xs">
      {button('pause')}
      {button('resume')}
      {state !== JobState.FINISHED && (
        <Button
          size="xs"
          onClick={() => {
            setRunning(key);
          }}
        >
          Run now
        </Button>
      )}
      <Button
        size="xs"
        variant="default"
        onClick={() => {
          void navigate(paths.editJob(key));
        }}
      >
        Edit
      </Button>
      {button('schedule')}
      {button('unschedule', 'orange')}
      {button('finish', 'red')}
      {button('delete', 'red')}
      <RunNowModal
        jobKey={running}
        onClose={() => {
          setRunning(null);
        }}
      />
    </Group>
  );
}
