/**
 * The preset that assembles an engine: it loads the user's modules, picks the executor (this
 * isolate, or a pool of Web Workers), opens the store, picks the wake-up service (KV queue, or a
 * polled timer index), and opens the engine on them.
 *
 * @module
 */

import { dirname, resolve as resolvePath } from "node:path";
import { defaultRegistry } from "../definition/registry.ts";
import { InvalidArgumentError } from "../errors.ts";
import { DEFAULT_PARTITIONS, KvStore, MAX_PARTITIONS, openKv } from "../../store/mod.ts";

/** Opens a Deno KV database as the engine does: a file another process holds locked is waited for. */
export { openKv };
import { Engine } from "./engine.ts";
import type { EngineOptions } from "./engine_options.ts";
import type { Executor } from "./executor.ts";
import { InIsolateExecutor } from "./in_isolate_executor.ts";
import { loadModules } from "./load_modules.ts";
import { requireUnstableFeatures } from "./unstable.ts";
import { detectQueues, onDenoDeploy } from "./wakeup/detect_queues.ts";
import { KvQueueWakeup } from "./wakeup/kv_queue_wakeup.ts";
import { PollingWakeup } from "./wakeup/polling_wakeup.ts";
import type { Wakeup } from "./wakeup/wakeup.ts";
import { WorkerPoolExecutor } from "./worker_pool/mod.ts";

const DEFAULT_KV_PATH = ".loom/loom.kv";

/**
 * Creates the engine that owns a KV file and runs workflows.
 *
 * @param options File, executor, timings.
 * @returns The running engine; close it with `close()` or `await using`.
 * @throws {SchemaVersionError} When the file was written by a newer Loom.
 * @throws {ModuleLoadError} When a module named in `modules` fails to import (here or in a Worker).
 * @throws {InvalidDefinitionError} When a Worker registers other definitions than this isolate.
 * @throws {MissingUnstableFeatureError} When Deno runs without `kv` (or, with Workers,
 * `worker-options`) enabled; the message names the flag and the `deno.json` entry.
 * @example
 * ```ts
 * import { createEngine } from "./create_engine.ts";
 * await using engine = await createEngine({ kvPath: ":memory:" });
 * console.assert((await engine.list()).items.length === 0);
 * ```
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InvalidArgumentError(
      `Invalid workers: ${workers}: it must be 0 (run in this isolate) or a whole number of Web Workers`,
    );
  }
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new InvalidArgumentError(
      `Invalid partitions: ${partitions}: it must be a whole number from 1 to ${MAX_PARTITIONS}`,
    );
  }
  requireUnstableFeatures({
    workers: workers > 0 && options.executor === undefined,
    kv: options.kv === undefined,
  });
  const modules = await loadModules(options.modules ?? []);
  const registry = options.registry ?? defaultRegistry;
  let executor: Executor | undefined = options.executor;
  if (executor === undefined && workers > 0) {
    executor = await WorkerPoolExecutor.create({
      modules,
      workers,
      ...(options.registry === undefined ? {} : { registry: options.registry }),
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
      ...(options.stuckAfterMs === undefined ? {} : { stuckAfterMs: options.stuckAfterMs }),
      ...(options.workerHeapMb === undefined ? {} : { heapMb: options.workerHeapMb }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }
  executor ??= new InIsolateExecutor({
    registry,
    ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
  });
  // On Deno Deploy, the default is the app's database (`Deno.openKv()` with no path).
  const path = options.kvPath ??
    (options.kv === undefined && !onDenoDeploy() ? DEFAULT_KV_PATH : undefined);
  const where = path ?? (options.kv !== undefined ? "(given handle)" : "the Deno Deploy database");
  let kv = options.kv;
  try {
    if (kv === undefined) {
      if (path !== undefined && path !== ":memory:" && !/^https?:/.test(path)) {
        await Deno.mkdir(dirname(resolvePath(path)), { recursive: true });
      }
      kv = await openKv(path);
    }
    const store = new KvStore(kv, where);
    return await Engine.open({
      // Code in Workers can spin until it is stopped: answer start() without waiting for it.
      options: options.startAnswerMs !== undefined || executor instanceof InIsolateExecutor
        ? options
        : { ...options, startAnswerMs: 250 },
      store,
      ownsKv: options.kv === undefined,
      executor,
      wakeup: await pickWakeup(options, store, path),
    });
  } catch (e) {
    if (options.kv === undefined) kv?.close();
    if (executor !== options.executor) await executor.close();
    throw e;
  }
}

/**
 * The durable wake-ups: as asked, or (`"auto"`) KV queue messages where the database has queues
 * and the polled timer index where it has none (KV Connect, Deno Deploy: `detect_queues.ts`).
 */
async function pickWakeup(
  options: EngineOptions,
  store: KvStore,
  path: string | undefined,
): Promise<Wakeup> {
  const wakeup = options.wakeup ?? "auto";
  if (typeof wakeup === "object") return wakeup;
  const queues = wakeup === "auto"
    ? (await detectQueues({ kv: store.kv, path })).queues
    : wakeup === "queue";
  if (!queues) return new PollingWakeup(store, options.pollIntervalMs ?? 500);
  return new KvQueueWakeup(store.kv);
}
