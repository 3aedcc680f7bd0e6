/**
 * Starting many runs at once and measuring them from outside.
 *
 * @module
 */

import type { Engine, TypedWorkflowRef } from "../../engine/mod.ts";
import { within } from "../env.ts";
import { percentile } from "../stats.ts";
import { Tracker } from "../track.ts";

/** Runs started at once, and when each `start()` was called. */
export interface Started {
  /** Workflow ids, in start order. */
  ids: string[];
  /** `performance.now()` when each `start()` was called, by id. */
  calledAt: Map<string, number>;
  /** When the first `start()` was called. */
  firstCall: number;
}

/**
 * Calls `engine.start` `count` times at once (no await between calls) and waits for all of them
 * to be accepted.
 *
 * @param engine The engine.
 * @param workflow The workflow.
 * @param input The input of every run.
 * @param count How many.
 * @returns The ids and the call times.
 */
export async function startAll<I>(
  engine: Engine,
  workflow: TypedWorkflowRef<I, object>,
  input: I,
  count: number,
): Promise<Started> {
  const times: number[] = [];
  const pending = [];
  for (let i = 0; i < count; i++) {
    times.push(performance.now());
    pending.push(engine.start(workflow, input));
  }
  const handles = await Promise.all(pending);
  const ids = handles.map((h) => h.workflowId);
  const calledAt = new Map(ids.map((id, i) => [id, times[i] as number]));
  return { ids, calledAt, firstCall: times[0] as number };
}

/**
 * Starts `count` runs at once and waits until all completed.
 *
 * @param engine The engine.
 * @param workflow The workflow.
 * @param input The input of every run.
 * @param options How many, and the time limit.
 * @returns The start times, the tracker with the completion times.
 * @throws {Error} When a run fails or the time runs out.
 */
export async function runAll<I>(
  engine: Engine,
  workflow: TypedWorkflowRef<I, object>,
  input: I,
  options: { count: number; timeoutMs: number; what: string },
): Promise<{ started: Started; tracker: Tracker }> {
  using tracker = new Tracker(engine, options.count);
  const started = await startAll(engine, workflow, input, options.count);
  await within(tracker.done, options.timeoutMs, options.what, () => tracker.progress());
  return { started, tracker };
}

/**
 * Per-run start → completion latencies, in ms.
 *
 * @param started The starts.
 * @param completedAt Completion times by id.
 * @returns One latency per run.
 */
export function latencies(started: Started, completedAt: Map<string, number>): number[] {
  return started.ids.map((id) =>
    (completedAt.get(id) as number) - (started.calledAt.get(id) as number)
  );
}

/**
 * Wall time from the first start call to the last completion, in ms.
 *
 * @param started The starts.
 * @param completedAt Completion times by id.
 * @returns Milliseconds.
 */
export function wallMs(started: Started, completedAt: Map<string, number>): number {
  return Math.max(...completedAt.values()) - started.firstCall;
}

/**
 * p50 and p99 of some latencies.
 *
 * @param values Latencies.
 * @returns `{ p50, p99 }`.
 */
export function p50p99(values: number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}
