import type { ErrorAt } from './field-errors';
import type { JobForm } from './form-model';

/** What every group of the editor's inputs gets: the form, a way to change it, and the errors by field. */
export interface SectionProps {
  form: JobForm;
  set: (patch: Partial<JobForm>) => void;
  errorAt: ErrorAt;
  editing: boolean;
}

/** Options of a Select from a name-valued enum (ClusterMode, OverlapPolicy, ...). */
export const nameOptions = (values: Record<string, string>): string[] => Object.values(values);
