/**
 * Shared test helpers: engines on real Deno KV (`:memory:`, a temp file, and a temp file without
 * queues, as KV Connect and Deno Deploy are) and on both executors (in this isolate, and a pool
 * of Web Workers), temp folders, and polling for a condition.
 *
 * @module
 */

import { createEngine, type Engine, type EngineOptions } from "../engine/mod.ts";

/**
 * Where a test's KV lives: `:memory:`, a temp file, or a temp file seen through
 * {@linkcode queuelessKv} (no queues, as on KV Connect and Deno Deploy).
 */
export type KvMode = "memory" | "file" | "queueless";

/** The KV modes every behavioural test runs on. */
export const KV_MODES: readonly KvMode[] = ["memory", "file", "queueless"];

/** Where a test's code runs: in the test's isolate, or in a pool of Web Workers. */
export type ExecutorMode = "in-isolate" | "workers";

/** The executors every behavioural test runs on. */
export const EXECUTORS: readonly ExecutorMode[] = ["in-isolate", "workers"];

/** The module of the behavioural suite's definitions, which the Workers import. */
export const FLOWS_MODULE: string = new URL("./fixtures/flows.ts", import.meta.url).href;

/** Web Workers of each kind in the `workers` variant. */
export const TEST_WORKERS = 2;

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

/** An engine on a KV mode, and what closes it with its KV. */
export interface ModeEngine extends AsyncDisposable {
  /** The engine. */
  engine: Engine;
}

/**
 * Opens an engine on a KV mode: `:memory:` or the file at `kvPath`, or (`queueless`) that file
 * through {@linkcode queuelessKv}, with `wakeup` left to the engine's detection.
 *
 * @param mode The KV mode.
 * @param kvPath The file (ignored for `memory`).
 * @param options Engine options.
 * @returns The engine; disposing it closes the engine, then the KV handle opened here.
 */
export async function modeEngine(
  mode: KvMode,
  kvPath: string,
  options: TestEngineOptions = {},
): Promise<ModeEngine> {
  if (mode !== "queueless") {
    const engine = await createEngine({
      kvPath: mode === "memory" ? ":memory:" : kvPath,
      ...options,
    });
    return { engine, [Symbol.asyncDispose]: () => engine.close() };
  }
  const raw = await Deno.openKv(kvPath);
  try {
    const engine = await createEngine({ kv: queuelessKv(raw), kvPath, ...options });
    return {
      engine,
      [Symbol.asyncDispose]: async () => {
        await engine.close();
        raw.close();
      },
    };
  } catch (e) {
    raw.close();
    throw e;
  }
}

/**
 * Registers one `Deno.test` per KV mode and executor, each with a fresh engine that is closed
 * afterwards. The in-isolate variants are named `name [memory]`, `name [file]` and
 * `name [queueless]`; the Worker variants `name [memory, workers]`, ..., with Workers that import
 * {@linkcode FLOWS_MODULE}.
 *
 * @param name Behaviour under test.
 * @param fn The test body.
 * @param options Engine options.
 */
export function engineTest(
  name: string,
  fn: (
    engine: Engine,
    info: { mode: KvMode; kvPath: string; dir: string; executor: ExecutorMode },
  ) => Promise<void>,
  options: TestEngineOptions = {},
): void {
  for (const executor of EXECUTORS) {
    for (const mode of KV_MODES) {
      const suffix = executor === "in-isolate" ? mode : `${mode}, ${executor}`;
      Deno.test(`${name} [${suffix}]`, async () => {
        await using dir = await tempDir();
        const kvPath = mode === "memory" ? ":memory:" : `${dir.path}/loom.kv`;
        await using opened = await modeEngine(mode, kvPath, {
          pollIntervalMs: 50,
          shutdownGraceMs: 200,
          ...(executor === "workers" ? { workers: TEST_WORKERS, modules: [FLOWS_MODULE] } : {}),
          ...options,
        });
        await fn(opened.engine, { mode, kvPath, dir: dir.path, executor });
      });
    }
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

/** What KV Connect answers an `enqueue` with (denokv's `EnqueueOperationsUnsupported`). */
export const ENQUEUE_UNSUPPORTED = "Enqueue operations are not supported in KV Connect";

/**
 * Wraps a KV handle so that it behaves like KV Connect (Deno Deploy, self-hosted denokv): an
 * `enqueue` (alone or in an atomic operation) throws as it does there, and `listenQueue` never
 * delivers anything (its promise pends forever, as denokv's remote dequeue does).
 *
 * @param kv A real KV handle.
 * @returns The same database, without queues.
 */
export function queuelessKv(kv: Deno.Kv): Deno.Kv {
  const refuse = () => {
    throw new TypeError(ENQUEUE_UNSUPPORTED);
  };
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "enqueue") return () => Promise.reject(new TypeError(ENQUEUE_UNSUPPORTED));
      if (prop === "listenQueue") return () => new Promise<void>(() => {});
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          // Chained calls (`check(...).set(...)`) return the wrapper, never the raw operation.
          const wrapped: Deno.AtomicOperation = new Proxy(op, {
            get(o, p) {
              if (p === "enqueue") return refuse;
              const v = Reflect.get(o, p, o);
              return typeof v === "function"
                ? (...args: unknown[]) => {
                  const r = v.apply(o, args);
                  return r === o ? wrapped : r;
                }
                : v;
            },
          });
          return wrapped;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * A `TextDecoderStream` typed as the transform it is. A program that includes the dashboard
 * has the DOM library too (Preact's JSX types reference it), where `TextDecoderStream`'s
 * writable side is typed wider than `Uint8Array`, so `pipeThrough` on a byte stream needs this.
 *
 * @returns The decoder.
 */
export function textDecoder(): TransformStream<Uint8Array, string> {
  return new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
}
