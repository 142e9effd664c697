/*
 * @chaconne/contracts/definition: the one schema of a job definition (zod), used by the worker
 * SDK and the client to refuse early what the manager would refuse, and extended by the manager
 * with the checks only it can make. A subpath of its own, so the main entry point loads no zod.
 */
export {
  identifier,
  identifierCharacters,
  IDENTIFIER_RULE,
  labelsSchema,
  freeText,
  epochMillis,
  dateText,
  DATE_RANGE_MESSAGE,
} from './field-rules';
export { issueMessage, fieldErrorsOf, uniqueProblems, schemaProblems } from './field-errors';
export { jobKeySchema } from './job-key-schema';
export { triggerSchema, triggerFieldsSchema, WIRE_DATE_FORMS, END_BEFORE_START } from './trigger-schema';
export type { TriggerBody } from './trigger-schema';
export { runPolicyFields } from './run-policy-schema';
export {
  attachmentSchema,
  attachmentSizeProblem,
  jobDefinitionSchema,
  jobDefinitionFieldsSchema,
  jobDefinitionProblems,
  DEPENDENT_NEEDS_UPSTREAM,
} from './job-definition-schema';
export type { JobDefinitionBody } from './job-definition-schema';
