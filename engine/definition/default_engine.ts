/**
 * Which engine `Workflow.start()` uses: the one set with `setDefaultEngine`, or the only engine
 * created in this process.
 *
 * @module
 */

import type { WorkflowClient } from "../client.ts";
import { EngineNotFoundError } from "../errors.ts";

const live = new Set<WorkflowClient>();
let chosen: WorkflowClient | undefined;

/**
 * Sets the engine (or client) that `Workflow.start()` uses; `undefined` clears the choice.
 *
 * @param client An engine or remote client.
 */
export function setDefaultEngine(client: WorkflowClient | undefined): void {
  chosen = client;
}

/**
 * Notes that an engine is running in this process (called by `createEngine`).
 *
 * @param client The engine.
 * @returns A function that forgets it again.
 */
export function trackEngine(client: WorkflowClient): () => void {
  live.add(client);
  return () => {
    live.delete(client);
    if (chosen === client) chosen = undefined;
  };
}

/**
 * Returns the engine `Workflow.start()` should use.
 *
 * @returns The chosen engine, or the only live one.
 * @throws {EngineNotFoundError} When there is none, or several and none was chosen.
 */
export function defaultEngine(): WorkflowClient {
  if (chosen !== undefined) return chosen;
  if (live.size === 1) return live.values().next().value as WorkflowClient;
  throw new EngineNotFoundError(
    live.size === 0
      ? "No engine in this process: create one with createEngine() (or connect a client) before Workflow.start()"
      : `Several engines run in this process (${live.size}): choose one with setDefaultEngine()`,
  );
}
