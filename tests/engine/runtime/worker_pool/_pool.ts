/**
 * Engines on an explicit Worker pool for the pool's own tests, so that the tests can read the
 * pool's counters and tune its limits.
 *
 * @module
 */

import { createEngine, type Engine, type EngineOptions } from "../../../../engine/mod.ts";
import { WorkerPoolExecutor, type WorkerPoolOptions } from "../../../../engine/runtime/mod.ts";
import { FLOWS_MODULE } from "../../../_helpers.ts";
// Registered in this isolate too, as in every Worker of these pools.
import "../../../fixtures/hostile_flows.ts";

/** The module of the pool tests' own definitions. */
export const WORKER_FLOWS_MODULE: string =
  new URL("../../../fixtures/worker_flows.ts", import.meta.url).href;

/** The module of the hostile code (`fixtures/hostile_flows.ts`). */
export const HOSTILE_FLOWS_MODULE: string =
  new URL("../../../fixtures/hostile_flows.ts", import.meta.url).href;

/** An engine and the pool it runs on; disposing closes both. */
export interface PoolEngine extends AsyncDisposable {
  /** The engine. */
  engine: Engine;
  /** Its executor. */
  pool: WorkerPoolExecutor;
}

/**
 * Starts a pool that imports the behavioural and the pool fixtures, and an engine on it.
 *
 * @param kvPath KV file.
 * @param pool Pool options (Worker counts, limits).
 * @param engine Engine options.
 * @returns Both, disposable.
 */
export async function poolEngine(
  kvPath: string,
  pool: Partial<WorkerPoolOptions> = {},
  engine: Omit<EngineOptions, "kvPath" | "executor"> = {},
): Promise<PoolEngine> {
  const executor = await WorkerPoolExecutor.create({
    modules: [FLOWS_MODULE, WORKER_FLOWS_MODULE, HOSTILE_FLOWS_MODULE],
    workers: 1,
    ...pool,
  });
  try {
    const created = await createEngine({
      kvPath,
      executor,
      pollIntervalMs: 50,
      shutdownGraceMs: 200,
      ...engine,
    });
    return { engine: created, pool: executor, [Symbol.asyncDispose]: () => created.close() };
  } catch (e) {
    await executor.close();
    throw e;
  }
}
