/**
 * The `Executor`: where workflow and activity code runs. The runtime (in the main isolate) owns
 * the store and every commit; an executor only runs code and answers with data. Two
 * implementations: in this isolate, and a pool of Web Workers.
 *
 * @module
 */

import type { HistoryEntry } from "../replay/history.ts";
import type { ActivationOutput } from "../replay/machine.ts";
import type { WorkflowEvent } from "../replay/events.ts";
import type { SerializedError } from "../errors.ts";
import type { JsonValue } from "../json.ts";

/** Ask to run one activation of a workflow. */
export interface ActivationRequest {
  /** The run. */
  workflowId: string;
  /** Workflow name. */
  name: string;
  /** Definition version of the run. */
  version: string;
  /** The run's input. */
  input: JsonValue;
  /** The whole history, when the executor may not hold the run (after a miss or a restart). */
  history?: HistoryEntry[];
  /** Time and resolutions of the activation. */
  activation: { time: number; inbound: WorkflowEvent[] };
}

/** Answer to an {@linkcode ActivationRequest}. */
export type ActivationResponse =
  /** The activation ran. */
  | { kind: "output"; output: ActivationOutput }
  /** The executor does not hold the run: send the history. */
  | { kind: "needHistory" }
  /** The run cannot continue (no definition, history does not match the code). */
  | { kind: "error"; error: SerializedError };

/** Ask to run one attempt of an activity. */
export interface ActivityRequest {
  /** The calling run. */
  workflowId: string;
  /** Seq of the call. */
  seq: number;
  /** Activity name. */
  name: string;
  /** Arguments. */
  args: JsonValue[];
  /** Attempt number, from 1. */
  attempt: number;
  /** Time limit of the attempt (ms). */
  timeoutMs: number;
}

/** Outcome of an activity attempt. */
export type ActivityResult =
  | { ok: true; result: JsonValue }
  | { ok: false; error: SerializedError };

/** Runs workflow activations and activity attempts. */
export interface Executor {
  /**
   * Runs activations of several workflows together (they share one macrotask boundary).
   *
   * @param requests One per workflow.
   * @returns Answers in the same order.
   */
  activate(requests: ActivationRequest[]): Promise<ActivationResponse[]>;
  /**
   * The lane of a run, when the executor has several (Workers): runs of different lanes are
   * activated in different calls, so that a lane that is stuck holds up no other.
   *
   * @param workflowId The run.
   * @returns Its lane.
   */
  laneOf?(workflowId: string): number;
  /**
   * Runs one activity attempt with its timeout.
   *
   * @param request The attempt.
   * @param signal Aborts the attempt (its workflow was cancelled or ended).
   * @returns Result or error as data.
   */
  runActivity(request: ActivityRequest, signal: AbortSignal): Promise<ActivityResult>;
  /**
   * Forgets a run's in-memory instance (its next activation replays history).
   *
   * @param workflowId The run.
   */
  evict(workflowId: string): void;
  /** Stops the executor. */
  close(): Promise<void>;
}

/**
 * Splits work by the executor's lanes (one group when it has none).
 *
 * @param executor The executor.
 * @param work The work, each item naming its run.
 * @returns The groups, in the order their lanes first appear.
 */
export function byLane<T extends { run: { id: string } }>(executor: Executor, work: T[]): T[][] {
  if (executor.laneOf === undefined) return [work];
  const lanes = new Map<number, T[]>();
  for (const w of work) {
    const lane = executor.laneOf(w.run.id);
    const group = lanes.get(lane);
    if (group === undefined) lanes.set(lane, [w]);
    else group.push(w);
  }
  return [...lanes.values()];
}
