/**
 * W4: one workflow running 100 steps in parallel (`Promise.all`), then one final step summing
 * them.
 *
 * @module
 */

import { FanOutBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { runAll, wallMs } from "./_start.ts";

const WIDTH = 100;

/** W4. */
export const w4: Workload = {
  id: "W4",
  title: `one workflow: ${WIDTH} steps in parallel, then 1 step summing them`,
  metrics: [
    { key: "wallMs", label: "wall, start → completion", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const engine = await env.engine();
    const { started, tracker } = await runAll(engine, FanOutBench, { width: WIDTH }, {
      count: 1,
      timeoutMs: 60_000,
      what: "W4's run to complete",
    });
    return { wallMs: wallMs(started, tracker.completedAt) };
  },
};
