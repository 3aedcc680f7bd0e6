/**
 * The Web Worker pool executor (`workers: N`): sandboxed workflow Workers and activity Workers,
 * supervised by the main isolate, which keeps the store and every commit.
 *
 * @module
 */

export {
  WorkerPoolExecutor,
  type WorkerPoolOptions,
  type WorkerPoolStats,
} from "./worker_pool_executor.ts";
export { registryMismatch, type RegistrySummary, summarizeRegistry } from "./fingerprint.ts";
export { type FromWorker, type ToWorker, WorkerKind, type WorkerMessage } from "./protocol.ts";
export { SANDBOX } from "./worker_host.ts";
