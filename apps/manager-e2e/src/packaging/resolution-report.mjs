// Preloaded (--import) into every process the packaging test starts: writes where each module the
// process loaded came from to $CHACONNE_RESOLUTION_REPORT: the CommonJS cache and every URL the ESM
// loader resolved (recorded by resolution-hooks.mjs on the loader's thread).
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const file = process.env.CHACONNE_RESOLUTION_REPORT;
const cache = createRequire(import.meta.url).cache;
const esm = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => esm.add(url));
port1.unref();
register('./resolution-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

let written = '';
function write() {
  const report = JSON.stringify({ cjs: Object.keys(cache), esm: [...esm] });
  if (file && report !== written) writeFileSync(file, report);
  written = report;
}
setInterval(write, 200).unref();
process.on('exit', write);
