/**
 * The owner process: the engine and its preset, the clients of processes that do not own the
 * file, and the pluggable parts (executors, wake-ups) for tests and embedders. `engine/mod.ts`
 * re-exports only the public part; the executors and wake-ups are reached here.
 *
 * @module
 */

export { createEngine, openKv } from "./create_engine.ts";
export { Engine, type EngineParts } from "./engine.ts";
export { type EngineHealth } from "./engine_health.ts";
export type { EngineOptions } from "./engine_options.ts";
export type {
  ActivationRequest,
  ActivationResponse,
  ActivityRequest,
  ActivityResult,
  Executor,
} from "./executor.ts";
export { Handle, type HandleBackend } from "./handle.ts";
export { hashHookToken, hookUrl, MAX_HOOK_BODY_BYTES, mintHookToken } from "./hook_tokens.ts";
export { InIsolateExecutor, type InIsolateExecutorOptions } from "./in_isolate_executor.ts";
export { connectKv, KvClient, type KvClientOptions } from "./kv_client.ts";
export { type CrashHook, CrashPoint, type EngineChange } from "./listeners.ts";
export {
  embedModule,
  loadModules,
  type LoadModulesOptions,
  moduleSpecifier,
} from "./load_modules.ts";
export { followStream, type StreamSource, streamValues } from "./stream_reader.ts";
export { requireUnstableFeatures, type UnstableNeeds } from "./unstable.ts";
export { CATCHUPS as SCHEDULE_CATCHUPS, OVERLAPS as SCHEDULE_OVERLAPS } from "./schedules/mod.ts";
export {
  detectQueues,
  KvQueueWakeup,
  onDenoDeploy,
  type OnDue,
  PollingWakeup,
  type QueueDetection,
  type QueueProbeTarget,
  type Wakeup,
} from "./wakeup/mod.ts";
export {
  WorkerPoolExecutor,
  type WorkerPoolOptions,
  type WorkerPoolStats,
} from "./worker_pool/mod.ts";
