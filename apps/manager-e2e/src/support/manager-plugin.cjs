/**
 * A manager plugin for load-balancing.e2e.spec.ts, loaded through CHACONNE_PLUGINS
 * (plain CommonJS, so the manager's dynamic import() takes it as it is, with no build).
 *
 * `lastOne` orders the candidates reversed: the manager hands them over earliest started
 * first, so the latest started instance is chosen and the others are its failover order.
 * `twoRunsEnough` finishes a job before its third run.
 *
 * @type {import('@chaconne/contracts').ManagerPlugin}
 */
module.exports = {
  loadBalancers: {
    lastOne: {
      order: (candidates) => [...candidates].reverse(),
    },
  },
  terminationStrategies: {
    twoRunsEnough: ({ runCount }) => runCount >= 2 && `${runCount} runs are enough`,
  },
};
