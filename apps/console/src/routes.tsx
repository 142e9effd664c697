import type { RouteObject } from 'react-router';
import { NotFoundPage } from './pages/not-found';
import { JOB_ROUTE } from './paths';

/**
 * The pages behind sign-in, each its own chunk: a page's libraries (charts, the graph, the date
 * pickers) load with the first page that needs them.
 */
export const routes: RouteObject[] = [
  { index: true, lazy: async () => ({ Component: (await import('./pages/overview')).OverviewPage }) },
  { path: 'jobs', lazy: async () => ({ Component: (await import('./pages/jobs')).JobsPage }) },
  {
    path: 'jobs/new',
    lazy: async () => {
      const { JobEditorPage } = await import('./pages/job-editor');
      return { element: <JobEditorPage mode="create" /> };
    },
  },
  { path: JOB_ROUTE, lazy: async () => ({ Component: (await import('./pages/job-detail')).JobDetailPage }) },
  {
    path: `${JOB_ROUTE}/edit`,
    lazy: async () => {
      const { JobEditorPage } = await import('./pages/job-editor');
      return { element: <JobEditorPage mode="edit" /> };
    },
  },
  {
    path: 'runs/:traceId',
    lazy: async () => ({ Component: (await import('./pages/run-detail')).RunDetailPage }),
  },
  { path: 'workers', lazy: async () => ({ Component: (await import('./pages/workers')).WorkersPage }) },
  {
    path: 'statistics',
    lazy: async () => ({ Component: (await import('./pages/statistics')).StatisticsPage }),
  },
  { path: 'xcron', lazy: async () => ({ Component: (await import('./pages/xcron')).XcronPage }) },
  { path: '*', element: <NotFoundPage /> },
];
