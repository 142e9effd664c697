import { Module } from '@nestjs/common';
import { JobRuntimeRepository } from './job-runtime.repository';

/**
 * The owner of chac_job_runtime_detail (issue 14): a module of its own below job-definition/,
 * schedule/ and run/, which all read and write a job's runtime row through it.
 */
@Module({ providers: [JobRuntimeRepository], exports: [JobRuntimeRepository] })
export class JobRuntimeModule {}
