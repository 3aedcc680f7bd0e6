/**
 * The pure, deterministic replay core: events in, commands (outbound events) out. Nothing here
 * touches a store, a clock or the network.
 *
 * @module
 */

export {
  type CreateHookOptions,
  type Hook,
  LogLevel,
  type WaitForSignalOptions,
  type WorkflowContext,
  type WorkflowLogger,
  type WorkflowState,
  type WorkflowStream,
} from "./context.ts";
export {
  ACTIVITY,
  type Activity,
  type ActivityDefinition,
  activityDefinitionOf,
  type RetryPolicy,
  type StepDefinition,
  type WorkflowDefinition,
} from "./definitions.ts";
export {
  describeEvent,
  type EventPayloads,
  EventType,
  INBOUND_TYPES,
  isInbound,
  isoTime,
  sameCall,
  type WorkflowEvent,
  WorkflowStatus,
} from "./events.ts";
export {
  activate,
  type HistoryEntry,
  type PendingActivity,
  type PendingHook,
  type PendingTimer,
  type PendingWork,
  pendingWork,
  replay,
  type Settle,
} from "./history.ts";
export {
  type Activation,
  type ActivationOutput,
  type LogLine,
  type MachineOptions,
  MAX_LOG_MESSAGE,
  WorkflowMachine,
} from "./machine.ts";
export { HookHandle, type HookOutcome, HookSlots, type HookSource } from "./hooks.ts";
export { hashSeed, seededRandom, uuidFrom } from "./random.ts";
export {
  checkStreamName,
  checkStreamValue,
  MAX_STREAM_NAME,
  MAX_STREAM_VALUE_BYTES,
  streamNameProblem,
  type StreamSink,
  StreamWriter,
} from "./streams.ts";
