/**
 * Which engine `Workflow.start()` uses: the one set with `setDefaultEngine`, or the only engine
 * created in this process. The choice is kept on `globalThis` (`Symbol.for("loom.engines")`), so
 * that a workflow defined by one copy of Loom starts on an engine created by another.
 *
 * @module
 */

import type { WorkflowClient } from "../client.ts";
import { EngineNotFoundError } from "../errors.ts";

/** The engines of this isolate, shared by every copy of Loom in it (a path and a URL, say). */
interface Tracker {
  live: Set<WorkflowClient>;
  chosen: WorkflowClient | undefined;
}

const TRACKER = Symbol.for("loom.engines");
const tracker = ((globalThis as Record<symbol, unknown>)[TRACKER] ??= {
  live: new Set<WorkflowClient>(),
  chosen: undefined,
}) as Tracker;

/**
 * Sets the engine (or client) that `Workflow.start()` uses; `undefined` clears the choice.
 *
 * @param client An engine or remote client.
 */
export function setDefaultEngine(client: WorkflowClient | undefined): void {
  tracker.chosen = client;
}

/**
 * Notes that an engine is running in this process (called by `createEngine`).
 *
 * @param client The engine.
 * @returns A function that forgets it again.
 */
export function trackEngine(client: WorkflowClient): () => void {
  tracker.live.add(client);
  return () => {
    tracker.live.delete(client);
    if (tracker.chosen === client) tracker.chosen = undefined;
  };
}

/**
 * Returns the engine `Workflow.start()` should use.
 *
 * @returns The chosen engine, or the only live one.
 * @throws {EngineNotFoundError} When there is none, or several and none was chosen.
 */
export function defaultEngine(): WorkflowClient {
  const { chosen, live } = tracker;
  if (chosen !== undefined) return chosen;
  if (live.size === 1) return live.values().next().value as WorkflowClient;
  throw new EngineNotFoundError(
    live.size === 0
      ? "No engine in this process: create one with createEngine() (or connect a client) before Workflow.start()"
      : `Several engines run in this process (${live.size}): choose one with setDefaultEngine()`,
  );
}
