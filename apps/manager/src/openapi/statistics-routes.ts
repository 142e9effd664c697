import {
  jobStatPageQuerySchema,
  jobStatQuerySchema,
  jobStateCountQuerySchema,
} from '../modules/statistics/dto/statistics-query.dto';
import { ADMIN_PREFIX, type RouteDoc, withManagerAlias } from './route-doc';

/* Chaconne's statistics endpoints: StatisticsController. */

const STATISTICS = 'Statistics';

const statQuery = {
  component: 'JobStatQuery',
  schema: jobStatQuerySchema,
  examples: {
    lastWeek: { summary: 'One cluster, the last 7 days', value: { clusterName: 'yourCluster', lastDays: 7 } },
    oneJob: { summary: 'One job, the default 30 days', value: { jobId: 1 } },
  },
};

export const STATISTICS_ROUTES: readonly RouteDoc[] = withManagerAlias([
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStatByDay`,
    operationId: 'selectJobStatByDay',
    tag: STATISTICS,
    summary: 'Run counts per day',
    description:
      "Completed, failed, skipped, finished and retried runs per day (`yyyy-MM-dd`) over the last `lastDays` days (today included), zero-filled, oldest first. Blank filters mean any; `applicationName` is Chaconne's name for the group.",
    auth: 'bearer',
    body: statQuery,
    response: {
      description: 'One row per day, oldest first',
      envelope: 'chaconne',
      schema: 'JobStatDetailList',
    },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStatByMonth`,
    operationId: 'selectJobStatByMonth',
    tag: STATISTICS,
    summary: 'Run counts per month',
    description:
      'The same counters per month (`yyyy-MM`): the current month and the two before, zero-filled, oldest first.',
    auth: 'bearer',
    body: statQuery,
    response: { description: 'One row per month', envelope: 'chaconne', schema: 'JobStatDetailList' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStatById`,
    operationId: 'selectJobStatById',
    tag: STATISTICS,
    summary: 'Run counts per job',
    description:
      "Chaconne's JobStatPageQuery: the counters per job between two days (inclusive; `yyyy-MM-dd`, epoch ms or ISO-8601), ordered by job id, a page at a time; jobs without runs in the range are left out.",
    auth: 'bearer',
    body: {
      component: 'JobStatPageQuery',
      schema: jobStatPageQuerySchema,
      examples: {
        january: {
          summary: 'January, first page',
          value: { startDate: '2025-01-01', endDate: '2025-01-31', page: 1, size: 10 },
        },
      },
    },
    response: { description: 'A page of per-job counters', envelope: 'chaconne', schema: 'JobStatByJobPage' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStateCount`,
    operationId: 'selectJobStateCount',
    tag: STATISTICS,
    summary: 'Jobs per state',
    description:
      "Chaconne's JobStateCount: how many jobs are in each state (every state listed, zeros included), optionally in one cluster.",
    auth: 'bearer',
    body: {
      component: 'JobStateCountQuery',
      schema: jobStateCountQuerySchema,
      examples: {
        all: { summary: 'All clusters', value: {} },
        one: { summary: 'One cluster', value: { clusterName: 'yourCluster' } },
      },
    },
    response: { description: 'One row per state', envelope: 'chaconne', schema: 'JobStateCountList' },
    errors: ['VALIDATION_FAILED'],
  },
  {
    method: 'POST',
    path: `${ADMIN_PREFIX}/selectJobStat`,
    operationId: 'selectJobStat',
    tag: STATISTICS,
    summary: 'Run count totals',
    description:
      "Chaconne's JobStat: the counters summed over all days, the number of defined jobs matching the filters and the latest run. A filter matching no job counts zero.",
    auth: 'bearer',
    body: statQuery,
    response: { description: 'The totals', envelope: 'chaconne', schema: 'JobStat' },
    errors: ['VALIDATION_FAILED'],
  },
]);
