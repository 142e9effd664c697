#!/usr/bin/env node
// Fails when the manager's feature modules (the directories under apps/manager/src/modules)
// import each other in a cycle (issue 14). ESLint's file-level cycle rules cannot see this:
// run/a.ts -> xcron/b.ts -> run/c.ts is no file cycle, yet run/ and xcron/ depend on each other.
// Every import counts, type-only ones too: a cycle of types is still two modules that cannot
// be understood, tested or moved apart. Tests (*.spec.ts) are left out.
//
// Usage: node scripts/check-module-cycles.js [modulesDir]   (exit 1 and the cycles on stderr)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const DEFAULT_MODULES_DIR = path.join(__dirname, '..', 'apps', 'manager', 'src', 'modules');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    const isSource = entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts');
    return isSource && !/\.(spec|test)\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** The module (first directory below modulesDir) a path lies in, or undefined outside it. */
function moduleOf(modulesDir, file) {
  const relative = path.relative(modulesDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const [first, ...rest] = relative.split(path.sep);
  return rest.length > 0 ? first : undefined;
}

/**
 * Directory-level import graph: module -> (imported module -> first importing file and specifier).
 * @returns {Map<string, Map<string, string>>}
 */
function buildModuleGraph(modulesDir) {
  const graph = new Map();
  const modules = fs
    .readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of modules) graph.set(name, new Map());
  for (const name of modules) {
    for (const file of sourceFiles(path.join(modulesDir, name)).sort()) {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      for (const { fileName: specifier } of importedFiles) {
        if (!specifier.startsWith('.')) continue;
        const target = moduleOf(modulesDir, path.resolve(path.dirname(file), specifier));
        const edges = graph.get(name);
        if (target === undefined || target === name || edges.has(target)) continue;
        edges.set(target, `${path.relative(modulesDir, file)} imports '${specifier}'`);
      }
    }
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan), each sorted. */
function findCycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One concrete loop through a component, from its first module back to it: [a, b, ..., a]. */
function loopThrough(graph, component) {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node).keys()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const loop = [start];
        for (let at = node; at !== undefined; at = previous.get(at)) loop.unshift(at);
        return loop;
      }
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  throw new Error(`no loop through ${component.join(', ')}`);
}

/** Human-readable lines, one block per cycle: one loop, then every import inside the cycle. */
function describeCycles(graph) {
  return findCycles(graph).map((component) => {
    const members = new Set(component);
    const edges = component.flatMap((from) =>
      [...graph.get(from)]
        .filter(([to]) => members.has(to))
        .map(([to, evidence]) => `    ${from} -> ${to}: ${evidence}`),
    );
    return [`module cycle ${loopThrough(graph, component).join(' -> ')}`, ...edges].join('\n');
  });
}

module.exports = { buildModuleGraph, findCycles, describeCycles };

if (require.main === module) {
  const modulesDir = path.resolve(process.argv[2] ?? DEFAULT_MODULES_DIR);
  const cycles = describeCycles(buildModuleGraph(modulesDir));
  if (cycles.length > 0) {
    process.stderr.write(
      `${cycles.join('\n')}\n${cycles.length} cycle(s) between modules of ${modulesDir}\n`,
    );
    process.exit(1);
  }
}
