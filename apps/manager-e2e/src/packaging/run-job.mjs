// Creates (or updates) an on-demand job through @chaconne/client and runs it once; prints its ids.
//   node run-job.mjs <groupName> <jobClassName> <attachment>
import { GenericJobDefinition, JobKey, JobManager } from '@chaconne/client';

const [groupName, jobClassName, attachment] = process.argv.slice(2);
const jobManager = new JobManager({
  baseUrl: process.env.CHACONNE_MANAGER_URL ?? 'http://127.0.0.1:6543',
  token: process.env.CHACONNE_TOKEN,
});
const jobKey = JobKey.by('shop', groupName, jobClassName, jobClassName);
const definition = GenericJobDefinition.newJob(jobKey).setDescription(`${jobClassName}, on demand`);
const jobId = await jobManager.persistJob(definition, attachment);
const traceId = await jobManager.triggerJob(jobKey);
console.log(JSON.stringify({ jobId, traceId }));
