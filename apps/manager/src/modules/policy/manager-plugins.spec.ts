import { LoadBalancerName } from '@chaconne/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_BALANCERS } from './load-balancers';
import { loadPlugins, ManagerPlugins } from './manager-plugins';

describe('manager plugins', () => {
  it('registers named balancers and strategies, refusing bad names and shapes', () => {
    const plugins = new ManagerPlugins();
    const reversed = { order: <T>(list: readonly T[]) => [...list].reverse() };
    plugins.register({ loadBalancers: { reversed }, terminationStrategies: { never: () => false } }, 'test');
    expect(plugins.balancer('reversed')).toBe(reversed);
    expect(plugins.known.loadBalancers).toEqual(new Set(['reversed']));
    expect(plugins.known.terminationStrategies).toEqual(new Set(['never']));
    expect(() => {
      plugins.register({ loadBalancers: { ROUND_ROBIN: reversed } }, 'p');
    }).toThrow(/built-in/);
    expect(() => {
      plugins.register({ loadBalancers: { 'bad name': reversed } }, 'p');
    }).toThrow(/valid name/);
    expect(() => {
      plugins.register({ loadBalancers: { x: {} as never } }, 'p');
    }).toThrow(/order/);
    expect(() => {
      plugins.register({ terminationStrategies: { y: 42 as never } }, 'p');
    }).toThrow(/function/);
  });

  it('falls back to round robin for a balancer this manager does not know', () => {
    expect(new ManagerPlugins().balancer('missing')).toBe(BUILT_IN_BALANCERS[LoadBalancerName.ROUND_ROBIN]);
    expect(new ManagerPlugins().strategy('missing')).toBeUndefined();
  });

  it('loads plugin modules from paths (module.exports or a default export) and says which failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chac-plugins-'));
    const cjs = join(dir, 'cjs.js');
    writeFileSync(cjs, 'module.exports = { loadBalancers: { last: { order: (l) => [...l].reverse() } } };');
    // A transpiled ES module: its plugin is the default export. (Native .mjs files load
    // the same way in the manager; Jest's CommonJS runtime cannot import them.)
    const esm = join(dir, 'esm.js');
    writeFileSync(esm, 'exports.default = { terminationStrategies: { quota: () => "quota used up" } };');
    const plugins = await loadPlugins([cjs, esm]);
    expect(plugins.known).toEqual({
      loadBalancers: new Set(['last']),
      terminationStrategies: new Set(['quota']),
    });
    await expect(loadPlugins([join(dir, 'missing.js')])).rejects.toThrow(/CHACONNE_PLUGINS: cannot load/);
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, 'module.exports = { something: 1 };');
    await expect(loadPlugins([empty])).rejects.toThrow(/exports neither/);
  });
});
