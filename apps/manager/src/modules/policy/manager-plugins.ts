import { Logger } from '@nestjs/common';
import {
  type LoadBalancer,
  LoadBalancerName,
  type ManagerPlugin,
  type TerminationStrategy,
} from '@chaconne/contracts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT_IN_BALANCERS } from './load-balancers';

/** Names a manager knows beyond the built-ins (from its plugins). */
export interface KnownExtensions {
  loadBalancers: ReadonlySet<string>;
  terminationStrategies: ReadonlySet<string>;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * The load balancers and termination strategies jobs may name: the built-ins plus those
 * of the plugins listed in CHACONNE_PLUGINS (or registered in code before start).
 */
export class ManagerPlugins {
  private readonly logger = new Logger(ManagerPlugins.name);
  private readonly balancers = new Map<string, LoadBalancer>(Object.entries(BUILT_IN_BALANCERS));
  private readonly strategies = new Map<string, TerminationStrategy>();
  private readonly warned = new Set<string>();

  /** Adds a plugin's extensions; a bad name or shape throws, naming the plugin. */
  register(plugin: ManagerPlugin, source: string): void {
    for (const [name, balancer] of Object.entries(plugin.loadBalancers ?? {})) {
      if (!NAME.test(name)) throw new Error(`${source}: load balancer name '${name}' is not a valid name`);
      if (name in BUILT_IN_BALANCERS) throw new Error(`${source}: '${name}' is a built-in load balancer`);
      if (typeof (balancer as Partial<LoadBalancer>).order !== 'function') {
        throw new Error(`${source}: load balancer '${name}' has no order(candidates, request) function`);
      }
      this.balancers.set(name, balancer);
    }
    for (const [name, strategy] of Object.entries(plugin.terminationStrategies ?? {})) {
      if (!NAME.test(name))
        throw new Error(`${source}: termination strategy name '${name}' is not a valid name`);
      if (typeof strategy !== 'function')
        throw new Error(`${source}: termination strategy '${name}' is not a function`);
      this.strategies.set(name, strategy);
    }
  }

  /** A job's load balancer; an unknown name (a plugin missing on this manager) falls back to round robin. */
  balancer(name: string): LoadBalancer {
    const balancer = this.balancers.get(name);
    if (balancer) return balancer;
    this.warnOnce(`load balancer '${name}' is not registered on this manager: using ROUND_ROBIN`);
    return BUILT_IN_BALANCERS[LoadBalancerName.ROUND_ROBIN];
  }

  strategy(name: string): TerminationStrategy | undefined {
    const strategy = this.strategies.get(name);
    if (!strategy)
      this.warnOnce(`termination strategy '${name}' is not registered on this manager: not applied`);
    return strategy;
  }

  get known(): KnownExtensions {
    return {
      loadBalancers: new Set([...this.balancers.keys()].filter((n) => !(n in BUILT_IN_BALANCERS))),
      terminationStrategies: new Set(this.strategies.keys()),
    };
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.logger.warn(message);
  }
}

/** The plugin a module exports: itself, its default export, or a transpiled module's default (ESM/CommonJS interop). */
function pluginIn(module: unknown): ManagerPlugin | null {
  let candidate = module;
  for (let depth = 0; depth < 3 && candidate !== null && typeof candidate === 'object'; depth++) {
    const shaped = candidate as ManagerPlugin & { default?: unknown };
    if (shaped.loadBalancers !== undefined || shaped.terminationStrategies !== undefined) return shaped;
    candidate = shaped.default;
  }
  return null;
}

/** Loads the plugin modules (paths relative to the working directory); any failure stops the start. */
export async function loadPlugins(paths: readonly string[]): Promise<ManagerPlugins> {
  const plugins = new ManagerPlugins();
  for (const path of paths) {
    let loaded: unknown;
    try {
      loaded = await import(pathToFileURL(resolve(path)).href);
    } catch (error) {
      throw new Error(`CHACONNE_PLUGINS: cannot load '${path}': ${(error as Error).message}`);
    }
    const plugin = pluginIn(loaded);
    if (!plugin) {
      throw new Error(`CHACONNE_PLUGINS: '${path}' exports neither loadBalancers nor terminationStrategies`);
    }
    plugins.register(plugin, `plugin '${path}'`);
  }
  return plugins;
}
