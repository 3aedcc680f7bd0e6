/**
 * The fresh environment of each round: a temp folder with a new KV file, and the engines made
 * on it, which are closed when the round ends.
 *
 * @module
 */

import { createEngine, type Engine, type EngineOptions } from "../engine/mod.ts";
import type { BenchFlags } from "./flags.ts";
import type { RoundEnv } from "./workload.ts";

/** The module that defines the bench's workflows (engines with Web Workers import it). */
export const FLOWS_MODULE: URL = new URL("./flows.ts", import.meta.url);

/** The project's deno.json, passed to subprocesses. */
export const CONFIG_PATH: string = new URL("../deno.json", import.meta.url).pathname;

/**
 * Runs `fn` in a fresh round environment, then closes its engines and removes its folder.
 *
 * @param flags The bench's flags (`dir`, `memory`, `workers`).
 * @param round 0 for the warm-up, then 1, 2, …
 * @param fn The round.
 * @returns What `fn` returns.
 */
export async function withRoundEnv<T>(
  flags: BenchFlags,
  round: number,
  fn: (env: RoundEnv) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({
    prefix: "loom-bench-",
    ...(flags.dir === undefined ? {} : { dir: flags.dir }),
  });
  const engines: Engine[] = [];
  const env: RoundEnv = {
    kvPath: flags.memory ? ":memory:" : `${dir}/loom.kv`,
    dir,
    flags,
    round,
    engine: async (options: Partial<EngineOptions> = {}) => {
      const engine = await createEngine({
        kvPath: env.kvPath,
        workers: flags.workers,
        modules: [FLOWS_MODULE],
        ...options,
      });
      engines.push(engine);
      return engine;
    },
    log: (message) => console.error(message),
  };
  try {
    return await fn(env);
  } finally {
    for (const engine of engines) await engine.close().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Rejects when `promise` has not settled within `ms`.
 *
 * @param promise The work.
 * @param ms Time limit.
 * @param what Description for the error (`"W1 to finish"`).
 * @param progress Called for the error message, e.g. `"512 of 1,000 completed"`.
 * @returns What `promise` resolves to.
 * @throws {Error} When the time runs out.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  progress: () => string = () => "",
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const detail = progress();
      reject(
        new Error(`Timed out after ${ms} ms waiting for ${what}${detail ? `: ${detail}` : ""}`),
      );
    }, ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}
