// The enums come from the contracts (whose entry point is browser-safe): Chaconne's integer
// enums, and the run policy's named values.
export {
  BackoffPolicy,
  ClusterMode,
  DependencyType,
  JobState,
  LoadBalancerName,
  LogLevel,
  MisfirePolicy,
  OverlapPolicy,
  RunningState,
  SchedulingUnit,
  TriggerType,
  XcronCode,
  XcronType,
} from '@chaconne/contracts';
