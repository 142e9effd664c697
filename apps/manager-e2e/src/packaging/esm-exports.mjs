// For every entry point of the installed @chaconne packages: each name require() gives is also a
// named ESM export, and the very same object (one copy of the package, whichever way it is loaded).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const report = {};
for (const name of ['@chaconne/contracts', '@chaconne/worker', '@chaconne/client']) {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  for (const subpath of Object.keys(manifest.exports).filter((key) => !key.endsWith('.json'))) {
    const entry = subpath === '.' ? name : `${name}${subpath.slice(1)}`;
    const loaded = require(entry);
    const imported = await import(entry);
    const names = Object.keys(loaded);
    report[entry] = {
      names,
      missing: names.filter((key) => !(key in imported)),
      different: names.filter((key) => key in imported && imported[key] !== loaded[key]),
    };
  }
}
console.log(JSON.stringify(report));
