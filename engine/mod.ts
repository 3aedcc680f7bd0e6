/**
 * Loom's engine alone, without HTTP or UI dependencies: define workflows and activities, create
 * the engine that owns a KV file, start runs and act on them.
 *
 * @example
 * ```ts
 * import { activity, createEngine, defineWorkflow } from "./mod.ts";
 *
 * const double = activity({ name: "mod_double" }, (n: number) => n * 2);
 * const flow = defineWorkflow<{ n: number }, { doubled: number }>({
 *   name: "mod_example",
 *   steps: [async function run(ctx) {
 *     await ctx.state.set("doubled", await ctx.activity(double, ctx.input.n));
 *   }],
 * });
 *
 * await using engine = await createEngine({ kvPath: ":memory:" });
 * const handle = await engine.start(flow, { n: 21 });
 * console.assert((await handle.result()).doubled === 42);
 * ```
 *
 * @module
 */

export { partitionRanges } from "./partition_ranges.ts";
export {
  type CreateScheduleOptions,
  INPUT_TYPE,
  type ListOptions,
  type ListPage,
  type ResultOptions,
  type ScheduleCatchup,
  type ScheduleClient,
  type ScheduleInfo,
  type ScheduleOverlap,
  type StartOptions,
  STATE_TYPE,
  type StreamOptions,
  type Typed,
  type TypedWorkflowRef,
  type WorkflowClient,
  type WorkflowHandle,
  type WorkflowInfo,
  type WorkflowRef,
  type WorkflowSummary,
} from "./client.ts";
export {
  type ActivationOutput,
  ACTIVITY,
  type Activity,
  type ActivityDefinition,
  type CreateHookOptions,
  type EventPayloads,
  EventType,
  type HistoryEntry,
  type Hook,
  LogLevel,
  type LogLine,
  MAX_STREAM_NAME,
  MAX_STREAM_VALUE_BYTES,
  type RetryPolicy,
  type StepDefinition,
  streamNameProblem,
  type WaitForSignalOptions,
  type WorkflowContext,
  type WorkflowDefinition,
  type WorkflowEvent,
  type WorkflowLogger,
  type WorkflowState,
  WorkflowStatus,
  type WorkflowStream,
} from "./replay/mod.ts";
export {
  activity,
  type ActivityContext,
  activityContext,
  type ActivityOptions,
  compareVersions,
  DEFAULT_RETRY,
  defaultRegistry,
  type DefinedWorkflow,
  defineWorkflow,
  type DefineWorkflowOptions,
  Registry,
  setDefaultEngine,
  step,
  type StepDecorator,
  type StepFunction,
  type StepOptions,
  Workflow,
  workflow,
  type WorkflowClass,
  type WorkflowDecorator,
  workflowDefinitionOf,
  type WorkflowOptions,
} from "./definition/mod.ts";
export type { Duration, DurationParts } from "./duration.ts";
export {
  ActivityFailedError,
  ActivityTimeoutError,
  deserializeError,
  DuplicateDefinitionError,
  EngineClosedError,
  EngineNotFoundError,
  ErrorCode,
  HookExpiredError,
  HookNotFoundError,
  HookTimeoutError,
  InvalidArgumentError,
  InvalidDefinitionError,
  InvalidPayloadError,
  LeaseLostError,
  LoomError,
  MissingUnstableFeatureError,
  ModuleLoadError,
  NonDeterministicWorkflowError,
  OwnerLeaseError,
  ScheduleAlreadyExistsError,
  ScheduleNotFoundError,
  SchemaVersionError,
  type SerializedError,
  serializeError,
  SignalTimeoutError,
  StorageError,
  StorageUnavailableError,
  StoredDataError,
  WorkerCrashedError,
  WorkflowAlreadyExistsError,
  WorkflowCancelledError,
  WorkflowDefinitionNotFoundError,
  WorkflowExecutionError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  WorkflowStillRunningError,
  WorkflowStuckError,
} from "./errors.ts";
export { type JsonObject, type JsonValue, MAX_JSON_DEPTH, toJson } from "./json.ts";
export {
  checkWorkflowId,
  MAX_WORKFLOW_ID_LENGTH,
  WORKFLOW_ID_RULE,
  workflowIdProblem,
} from "./workflow_id.ts";
export {
  type ActivationRequest,
  type ActivationResponse,
  type ActivityRequest,
  type ActivityResult,
  connectKv,
  type CrashHook,
  CrashPoint,
  createEngine,
  embedModule,
  Engine,
  type EngineChange,
  type EngineHealth,
  type EngineOptions,
  type EngineParts,
  type Executor,
  followStream,
  Handle,
  type HandleBackend,
  hashHookToken,
  KvClient,
  type KvClientOptions,
  loadModules,
  type LoadModulesOptions,
  MAX_HOOK_BODY_BYTES,
  type OnDue,
  openKv,
  requireUnstableFeatures,
  SCHEDULE_CATCHUPS,
  SCHEDULE_OVERLAPS,
  type StreamSource,
  streamValues,
  type UnstableNeeds,
  type Wakeup,
} from "./runtime/mod.ts";
export {
  buildGraph,
  type EdgeType,
  type GraphEdge,
  type GraphFormat,
  type GraphNode,
  isTerminal,
  LoomReader,
  type NodeType,
  publicEvent,
  publicPayload,
  REDACTED,
  renderGraph,
  stateFromEvents,
  THROUGHPUT_WINDOW_MINUTES,
  type WorkflowGraph,
} from "./views/mod.ts";
