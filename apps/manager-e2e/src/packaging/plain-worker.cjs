const { createWorker } = require('@chaconne/worker/http');

const worker = createWorker({
  managerUrl: process.env.CHACONNE_MANAGER_URL ?? 'http://127.0.0.1:6543',
  secret: process.env.CHACONNE_SECRET ?? '', // the manager's CHACONNE_SECRET
  clusterName: 'shop',
  groupName: 'billing',
  baseUrl: process.env.CHACONNE_WORKER_BASE_URL, // how the manager reaches this service; detected if unset
});

// A dynamic job: its definition and schedule are created in the manager (persistJob, @chaconne/client).
worker.addDynamicJob('InvoiceJob', (ctx) => {
  ctx.log.info('invoicing the orders of {}', ctx.attachment); // stored with the run (selectJobLog)
  return { invoices: 3 };
});

void worker.listen(Number(process.env.PORT ?? 8088)); // serves /chaconne/*, then registers
process.once('SIGTERM', () => void worker.close()); // drains runs, deregisters, closes the server
