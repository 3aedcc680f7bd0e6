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

export {
  INPUT_TYPE,
  type ListOptions,
  type ListPage,
  type ResultOptions,
  type StartOptions,
  STATE_TYPE,
  type Typed,
  type TypedWorkflowRef,
  type WorkflowClient,
  type WorkflowHandle,
  type WorkflowInfo,
  type WorkflowRef,
  type WorkflowSummary,
} from "./client.ts";
export {
  LogLevel,
  type WaitForSignalOptions,
  type WorkflowContext,
  type WorkflowLogger,
  type WorkflowState,
} from "./replay/context.ts";
export {
  ACTIVITY,
  type Activity,
  type ActivityDefinition,
  type RetryPolicy,
  type StepDefinition,
  type WorkflowDefinition,
} from "./replay/definitions.ts";
export type { HistoryEntry } from "./replay/history.ts";
export type { ActivationOutput, LogLine } from "./replay/machine.ts";
export {
  type EventPayloads,
  EventType,
  type WorkflowEvent,
  WorkflowStatus,
} from "./replay/events.ts";
export { activity, type ActivityOptions, DEFAULT_RETRY } from "./definition/activity.ts";
export { type ActivityContext, activityContext } from "./definition/activity_context.ts";
export { setDefaultEngine } from "./definition/default_engine.ts";
export { compareVersions, defaultRegistry, Registry } from "./definition/registry.ts";
export {
  type DefinedWorkflow,
  defineWorkflow,
  type DefineWorkflowOptions,
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
} from "./definition/workflow.ts";
export type { Duration, DurationParts } from "./duration.ts";
export {
  ActivityFailedError,
  ActivityTimeoutError,
  deserializeError,
  DuplicateDefinitionError,
  EngineClosedError,
  EngineNotFoundError,
  ErrorCode,
  InvalidArgumentError,
  InvalidDefinitionError,
  InvalidPayloadError,
  LeaseLostError,
  LoomError,
  ModuleLoadError,
  NonDeterministicWorkflowError,
  OwnerLeaseError,
  SchemaVersionError,
  type SerializedError,
  serializeError,
  SignalTimeoutError,
  StorageError,
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
export { type JsonObject, type JsonValue, toJson } from "./json.ts";
export { Handle, type HandleBackend } from "./runtime/handle.ts";
export { createEngine } from "./runtime/create_engine.ts";
export { Engine, type EngineParts } from "./runtime/engine.ts";
export type { EngineOptions } from "./runtime/engine_options.ts";
export { type CrashHook, CrashPoint, type EngineChange } from "./runtime/listeners.ts";
export type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "./runtime/executor.ts";
export { InIsolateExecutor } from "./runtime/in_isolate_executor.ts";
export { connectKv, KvClient, type KvClientOptions } from "./runtime/kv_client.ts";
export { loadModules, type LoadModulesOptions } from "./runtime/load_modules.ts";
export type { OnDue, Wakeup } from "./runtime/wakeup/wakeup.ts";
export { KvQueueWakeup, PollingWakeup } from "./runtime/wakeup/mod.ts";
export {
  buildGraph,
  type EdgeType,
  type GraphEdge,
  type GraphFormat,
  type GraphNode,
  isTerminal,
  LoomReader,
  type NodeType,
  renderGraph,
  stateFromEvents,
  type WorkflowGraph,
} from "./views/mod.ts";
export {
  WorkerPoolExecutor,
  type WorkerPoolOptions,
  type WorkerPoolStats,
} from "./runtime/worker_pool/mod.ts";
