/**
 * W2: one workflow with 100 sequential steps.
 *
 * @module
 */

import { SeqBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { runAll, wallMs } from "./_start.ts";

const STEPS = 100;

/** W2. */
export const w2: Workload = {
  id: "W2",
  title: `one workflow with ${STEPS} sequential steps`,
  metrics: [
    { key: "wallMs", label: "wall, start → completion", unit: "ms", kind: "time" },
    { key: "msPerStep", label: "per durable step (wall / 100)", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const engine = await env.engine();
    const { started, tracker } = await runAll(engine, SeqBench, { steps: STEPS }, {
      count: 1,
      timeoutMs: 60_000,
      what: "W2's run to complete",
    });
    const wall = wallMs(started, tracker.completedAt);
    return { wallMs: wall, msPerStep: wall / STEPS };
  },
};
