/**
 * W7: one workflow with 1,000 sequential steps; is a step's cost flat as history grows?
 *
 * @module
 */

import { SeqBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { runAll, wallMs } from "./_start.ts";

const STEPS = 1000;
const WINDOW = 100;

/**
 * Milliseconds per step over a window of step completions: the time between the completion of
 * step `from` and of step `from + count`, divided by `count`.
 *
 * @param completedAt When each step's result landed, in order (index 0 = step 1).
 * @param from 1-based step whose completion opens the window.
 * @param count Steps in the window.
 * @returns Milliseconds per step.
 * @throws {RangeError} When the window is outside the completions.
 */
export function msPerStepOver(completedAt: readonly number[], from: number, count: number): number {
  const a = completedAt[from - 1];
  const b = completedAt[from - 1 + count];
  if (a === undefined || b === undefined || count <= 0) {
    throw new RangeError(
      `Invalid window of ${count} steps from step ${from}: ${completedAt.length} steps completed`,
    );
  }
  return (b - a) / count;
}

/** W7. */
export const w7: Workload = {
  id: "W7",
  title: `one workflow with ${STEPS.toLocaleString("en")} sequential steps`,
  metrics: [
    {
      key: "first100MsPerStep",
      label: "per step, first 100 (steps 1→101)",
      unit: "ms",
      kind: "time",
    },
    {
      key: "last100MsPerStep",
      label: "per step, last 100 (steps 900→1000)",
      unit: "ms",
      kind: "time",
    },
    { key: "lastOverFirst", label: "last-100 / first-100", unit: "×", kind: "ratio" },
    { key: "msPerStep", label: "per step, whole run (wall / 1,000)", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const engine = await env.engine();
    const { started, tracker } = await runAll(engine, SeqBench, { steps: STEPS }, {
      count: 1,
      timeoutMs: 300_000,
      what: "W7's run to complete",
    });
    const done = tracker.activityCompletedAt;
    if (done.length !== STEPS) {
      throw new Error(`W7 saw ${done.length} activity completions instead of ${STEPS}`);
    }
    const first = msPerStepOver(done, 1, WINDOW);
    const last = msPerStepOver(done, STEPS - WINDOW, WINDOW);
    return {
      first100MsPerStep: first,
      last100MsPerStep: last,
      lastOverFirst: last / first,
      msPerStep: wallMs(started, tracker.completedAt) / STEPS,
    };
  },
};
