import express from 'express';
import { ChaconneWorker } from '@chaconne/worker';
import { chaconneExpress } from '@chaconne/worker/express';

const worker = new ChaconneWorker({
  managerUrl: process.env.CHACONNE_MANAGER_URL ?? 'http://127.0.0.1:6543',
  secret: process.env.CHACONNE_SECRET ?? '', // the manager's CHACONNE_SECRET
  clusterName: 'shop',
  groupName: 'mailer',
  baseUrl: process.env.CHACONNE_WORKER_BASE_URL, // how the manager reaches this service; detected if unset
}).addDynamicJob('NewsletterJob', async (ctx) => {
  ctx.log.info('sending the newsletter {}', ctx.attachment); // stored with the run (selectJobLog)
  return { sent: 120 };
});

const app = express();
app.use(express.json()); // run requests have their own media type: json() leaves them alone
app.use(chaconneExpress(worker));
app.get('/', (_req, res) => res.send('the mailer'));

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => worker.startInBackground({ port })); // registers once listening
process.once('SIGTERM', () => void worker.close().then(() => server.close()));
