import { JobState, SchedulingUnit, TriggerType } from '@chaconne/contracts';

/*
 * Request examples shared by several routes. The persistJob body and the xcron createTask
 * body are the originals' documented ones, verbatim: a client written against Chaconne or
 * xcron can send them unchanged.
 */

/** The JobKey of Chaconne's documentation. */
export const CHACONNE_JOB_KEY = {
  clusterName: 'yourCluster',
  groupName: 'yourGroup',
  jobName: 'yourJob',
  jobClassName: 'com.yourcompany.yourapp.YourJob',
};

/** `POST /job/admin/persistJob` as Chaconne's README documents it, verbatim. */
export const CHACONNE_PERSIST_JOB_BODY = {
  jobKey: CHACONNE_JOB_KEY,
  description: 'Describe your job shortly',
  email: 'YourEmail@yourcompany.com',
  retries: 0,
  timeout: -1,
  weight: 100,
  dependentKeys: null,
  forkKeys: null,
  completionRate: -1,
  trigger: {
    triggerType: 1,
    triggerDescription: {
      cron: {
        expression: '*/5 * * * * ?',
      },
    },
    startDate: null,
    endDate: null,
    repeatCount: -1,
  },
  attachment: '{"initialParameter": "test"}',
};

/** A periodic job: every 30 seconds at a fixed rate, in a named time zone, at most 100 runs. */
export const PERIODIC_PERSIST_JOB_BODY = {
  jobKey: { ...CHACONNE_JOB_KEY, jobName: 'yourPeriodicJob' },
  description: 'Every 30 seconds, at most 100 times',
  retries: 2,
  timeout: 60000,
  trigger: {
    triggerType: TriggerType.PERIODIC,
    triggerDescription: { periodic: { period: 30, schedulingUnit: SchedulingUnit.SECONDS, fixedRate: true } },
    repeatCount: 100,
    timeZone: 'Europe/Berlin',
  },
  attachment: { initialParameter: 'test' },
};

/** xcron's createTask body from its benchmark (`ab ... -p json.txt .../xcron/createTask`), verbatim. */
export const XCRON_BENCHMARK_BODY = {
  type: 1,
  format: '1581823751',
  callback: {
    url: 'http://test.demo.com:8810',
    body: {
      params: [1, 2],
      data: '10.10.10',
      count: 1,
    },
  },
};

export const JOB_KEY_EXAMPLE = {
  chaconne: { summary: "The JobKey of Chaconne's documentation", value: CHACONNE_JOB_KEY },
};

export const JOB_STATE_EXAMPLE = {
  paused: {
    summary: 'Is the job PAUSED?',
    value: { jobKey: CHACONNE_JOB_KEY, jobState: JobState.PAUSED },
  },
};
