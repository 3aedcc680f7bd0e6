/**
 * Shared test helpers: engines on real Deno KV (`:memory:` and a temp file), temp folders, and
 * polling for a condition.
 *
 * @module
 */

import { createEngine, type Engine, type EngineOptions } from "../engine/mod.ts";

/** Where a test's KV lives. */
export type KvMode = "memory" | "file";

/** The KV modes every behavioural test runs on. */
export const KV_MODES: readonly KvMode[] = ["memory", "file"];

/** Options of an engine made for a test. */
export type TestEngineOptions = Omit<EngineOptions, "kvPath"> & { kvPath?: string };

/**
 * Makes a temp folder that is removed when disposed.
 *
 * @returns The folder path, disposable.
 */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "loom-test-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

/**
 * Registers one `Deno.test` per KV mode, each with a fresh engine that is closed afterwards.
 *
 * @param name Behaviour under test.
 * @param fn The test body.
 * @param options Engine options.
 */
export function engineTest(
  name: string,
  fn: (engine: Engine, info: { mode: KvMode; kvPath: string; dir: string }) => Promise<void>,
  options: TestEngineOptions = {},
): void {
  for (const mode of KV_MODES) {
    Deno.test(`${name} [${mode}]`, async () => {
      await using dir = await tempDir();
      const kvPath = mode === "memory" ? ":memory:" : `${dir.path}/loom.kv`;
      const engine = await createEngine({
        kvPath,
        pollIntervalMs: 50,
        shutdownGraceMs: 200,
        ...options,
      });
      try {
        await fn(engine, { mode, kvPath, dir: dir.path });
      } finally {
        await engine.close();
      }
    });
  }
}

/**
 * Waits until `check` returns a truthy value.
 *
 * @param check Condition.
 * @param what Description, for the timeout error.
 * @param timeoutMs Give up after.
 * @returns The truthy value.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Reads the lines of a trace file written by fixture activities.
 *
 * @param path File.
 * @returns Lines (none when the file does not exist).
 */
export async function traceLines(path: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/**
 * Wraps a KV handle so that it behaves like KV Connect (Deno Deploy, self-hosted denokv): any
 * queue operation throws, as it does there.
 *
 * @param kv A real KV handle.
 * @returns The same database, without queues.
 */
export function queuelessKv(kv: Deno.Kv): Deno.Kv {
  const refuse = () => {
    throw new TypeError("Enqueue operations are not supported in KV Connect");
  };
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "enqueue" || prop === "listenQueue") {
        return () => Promise.reject(new TypeError("Queues are not supported in KV Connect"));
      }
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          return new Proxy(op, {
            get(o, p) {
              if (p === "enqueue") return refuse;
              const v = Reflect.get(o, p, o);
              return typeof v === "function"
                ? (...args: unknown[]) => {
                  const r = v.apply(o, args);
                  return r === o ? op : r;
                }
                : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
