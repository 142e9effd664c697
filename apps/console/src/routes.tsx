import type { RouteObject } from 'react-router';
import { JobDetailPage } from './pages/job-detail';
import { JobEditorPage } from './pages/job-editor';
import { JobsPage } from './pages/jobs';
import { NotFoundPage } from './pages/not-found';
import { OverviewPage } from './pages/overview';
import { RunDetailPage } from './pages/run-detail';
import { StatisticsPage } from './pages/statistics';
import { WorkersPage } from './pages/workers';
import { XcronPage } from './pages/xcron';
import { JOB_ROUTE } from './paths';

/** The pages behind sign-in. */
export const routes: RouteObject[] = [
  { index: true, element: <OverviewPage /> },
  { path: 'jobs', element: <JobsPage /> },
  { path: 'jobs/new', element: <JobEditorPage mode="create" /> },
  { path: JOB_ROUTE, element: <JobDetailPage /> },
  { path: `${JOB_ROUTE}/edit`, element: <JobEditorPage mode="edit" /> },
  { path: 'runs/:traceId', element: <RunDetailPage /> },
  { path: 'workers', element: <WorkersPage /> },
  { path: 'statistics', element: <StatisticsPage /> },
  { path: 'xcron', element: <XcronPage /> },
  { path: '*', element: <NotFoundPage /> },
];
