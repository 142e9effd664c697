import { JobDetailEntity } from '../modules/job-definition/job-detail.entity';
import { JobRuntimeEntity } from '../modules/job-definition/job-runtime.entity';
import { JobTriggerEntity } from '../modules/job-definition/job-trigger.entity';
import { JobLogEntity } from '../modules/run/job-log.entity';
import { JobRunEntity } from '../modules/run/job-run.entity';
import { WorkerInstanceEntity } from '../modules/worker-registry/worker-instance.entity';
import { ApiTokenEntity } from '../modules/auth/api-token.entity';
import { JobStatDailyEntity } from '../modules/statistics/job-stat-daily.entity';
import { JobDependencyEntity } from '../modules/job-definition/job-dependency.entity';
import { JobHistoryEntity } from '../modules/job-definition/job-history.entity';

export const ENTITIES = [
  JobDetailEntity,
  JobTriggerEntity,
  JobRuntimeEntity,
  JobRunEntity,
  JobLogEntity,
  WorkerInstanceEntity,
  ApiTokenEntity,
  JobStatDailyEntity,
  JobDependencyEntity,
  JobHistoryEntity,
];
