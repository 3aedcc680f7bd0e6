/**
 * What the run loop (`run_loop.ts`) works with, handed in by the engine.
 *
 * @module
 */

import type { Registry } from "../definition/registry.ts";
import type { IdBlocks, KvStore, WorkflowRecord } from "../../store/mod.ts";
import type { Committer } from "./committer.ts";
import type { Executor } from "./executor.ts";
import type { Listeners } from "./listeners.ts";
import type { LeaseGate } from "./owner/lease_keeper.ts";
import type { Run } from "./run.ts";
import type { StorageHealth } from "./storage_health.ts";
import type { Wakeup } from "./wakeup/wakeup.ts";

/** Whether the engine still takes work. */
export interface Lifecycle {
  /** `close()` was called. */
  closed: boolean;
  /** The lease was lost (the engine stopped). */
  lost: Error | undefined;
}

/** What the run loop works with. */
export interface RunLoopDeps {
  /** The store (histories are read from it after a cache miss). */
  store: KvStore;
  /** Runs the code. */
  executor: Executor;
  /** Commits transitions, grouped. */
  committer: Committer;
  /** The durable wake-ups. */
  wakeup: Wakeup;
  /** Definitions of the activities. */
  registry: Registry;
  /** Subscribers and crash points. */
  listeners: Listeners;
  /** Activity attempts running at once. */
  concurrency: number;
  /** Whether the engine still takes work (shared with the engine). */
  lifecycle: Lifecycle;
  /** Whether the owner lease surely holds. */
  lease: LeaseGate;
  /** Whether the store takes writes. */
  storage: StorageHealth;
  /** Receives errors no caller can receive. */
  report: (error: unknown) => void;
  /** Called once a run's terminal transition has landed (after `finish`). */
  ended: (run: Run, record: WorkflowRecord, result: unknown) => void;
  /** Hands out the global event and log ids. */
  ids: IdBlocks;
  /** The server's public URL, which hooks' URLs start with (a function: asked each time). */
  publicUrl?: string | (() => string | undefined) | undefined;
}
