// Chaconne's integer enums come from the contracts (whose entry point is browser-safe).
export {
  DependencyType,
  JobState,
  LogLevel,
  RunningState,
  SchedulingUnit,
  TriggerType,
  XcronCode,
  XcronType,
} from '@chaconne/contracts';
