/**
 * The options of `createEngine()`.
 *
 * @module
 */

import type { Registry } from "../definition/registry.ts";
import type { Executor } from "./executor.ts";
import type { CrashHook } from "./listeners.ts";
import type { Wakeup } from "./wakeup/wakeup.ts";

/** Options of `createEngine()`. */
export interface EngineOptions {
  /**
   * KV file to own; `":memory:"` for a private in-memory store; an `https://` URL for KV Connect.
   * With `kv`, the path or URL that handle was opened with (for messages, and to tell whether it
   * has queues). @default ".loom/loom.kv"; on Deno Deploy, the app's database (`Deno.openKv()`)
   */
  kvPath?: string;
  /** An open KV handle to use instead of opening `kvPath` (the engine does not close it). */
  kv?: Deno.Kv;
  /**
   * Web Workers that run code: `N` sandboxed workflow Workers and `N` activity Workers; `0` runs
   * everything in this isolate. @default 0
   */
  workers?: number;
  /**
   * Modules that define workflows and activities (paths or URLs): imported before the engine
   * starts, here and in every Worker.
   */
  modules?: (string | URL)[];
  /** Definitions to run. @default the process-wide registry */
  registry?: Registry;
  /** How often the inbox (and the timer index, when polling) is read, in ms. @default 500 */
  pollIntervalMs?: number;
  /**
   * Durable wake-ups: KV queue messages, a polled timer index (KV without queues), or `"auto"`:
   * queue messages where the database has queues, the polled index where it has none (opened by
   * URL, Deno Deploy's database, or a database that refuses `enqueue`). @default "auto"
   */
  wakeup?: "auto" | "queue" | "poll" | Wakeup;
  /** Live workflow instances kept in memory. @default 10000 */
  cacheSize?: number;
  /**
   * With `workers` > 0: how long a live workflow activation may run without yielding before its
   * Worker is stopped (the Worker's other runs are rebuilt in its replacement) and it runs again
   * alone in a fresh Worker; overrunning there too fails the run as stuck, in ms. With
   * `workers: 0`, code that never yields cannot be interrupted. @default 5000
   */
  stuckAfterMs?: number;
  /**
   * With `workers` > 0: heap limit (old generation) of each Worker, in MiB. Code that exhausts
   * it stops only its Worker; a task that does so `maxCrashes` times fails with
   * `WorkerCrashedError`. @default 2048
   */
  workerHeapMb?: number;
  /** Activity attempts running at once (over all activity Workers). @default 256 */
  concurrency?: number;
  /** Finished tasks kept; older ones are deleted. @default 10000 */
  taskRetention?: number;
  /**
   * Partitions of a new KV file (1 to 64): runs are spread over them by a hash of their id, and
   * processes sharing the file each run some. Fixed when the file is created; ignored for a
   * file that has its count. @default 16
   */
  partitions?: number;
  /** Lifetime of the owner lease without renewal, in ms. @default 1000 */
  leaseTtlMs?: number;
  /** How often the owner lease is renewed, in ms. @default 250 */
  leaseRenewMs?: number;
  /**
   * How long `start()` waits for a new run's first activation before it records the start on
   * its own and answers (so that code that spins in a Worker cannot hold the caller), in ms;
   * `0` always waits. @default 250 with `workers` > 0, else 0 (code in this isolate that never
   * yields cannot be interrupted anyway)
   */
  startAnswerMs?: number;
  /** How long `close()` lets running activities finish, in ms. @default 5000 */
  shutdownGraceMs?: number;
  /** Runs the code; by default chosen from `workers`. */
  executor?: Executor;
  /** Called with errors that no caller can receive (lost lease, storage failures). */
  onError?: (error: Error) => void;
  /** Test hook: the clock schedules fire by (ms since the epoch). @default Date.now */
  scheduleClock?: () => number;
  /**
   * The public URL of the server that serves this engine's API (`loom serve --public-url`):
   * hooks' URLs are `<publicUrl>/api/hooks/<token>`. A function is asked at each hook's
   * creation (a server that binds after the engine starts). @default none: URLs are the path
   */
  publicUrl?: string | (() => string | undefined);
  /** Test hook: called at named points (see `CrashPoint`). */
  crashPoint?: CrashHook;
}
