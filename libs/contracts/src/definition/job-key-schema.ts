import { z } from 'zod';
import { JOB_KEY_MAX_LENGTH } from '../identifier';
import { identifier } from './field-rules';

/** A JobKey: four identifiers, each trimmed; no other field. */
export const jobKeySchema = z.strictObject({
  clusterName: identifier(JOB_KEY_MAX_LENGTH.clusterName),
  groupName: identifier(JOB_KEY_MAX_LENGTH.groupName),
  jobName: identifier(JOB_KEY_MAX_LENGTH.jobName),
  jobClassName: identifier(JOB_KEY_MAX_LENGTH.jobClassName),
});
