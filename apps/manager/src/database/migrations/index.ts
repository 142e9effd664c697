import { InitialSchema1795243498069 } from './1795243498069-initial-schema';
import { AdminApi1795245070712 } from './1795245070712-admin-api';
import { JobDependenciesAndHistory1795247889520 } from './1795247889520-job-dependencies-and-history';
import { RunPolicies1795252657825 } from './1795252657825-run-policies';
import { ConsoleIndexes1796664444073 } from './1796664444073-console-indexes';
import { JobStateReason1796675381152 } from './1796675381152-job-state-reason';

/** Every migration, oldest first. Listed explicitly so dist/ and the tests see the same set. */
export const MIGRATIONS = [
  InitialSchema1795243498069,
  AdminApi1795245070712,
  JobDependenciesAndHistory1795247889520,
  RunPolicies1795252657825,
  ConsoleIndexes1796664444073,
  JobStateReason1796675381152,
];
