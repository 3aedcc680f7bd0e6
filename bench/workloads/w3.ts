/**
 * W3: start 200 workflows at once, each sleeping a durable 1 s and then running 1 step.
 *
 * @module
 */

import { SleepBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { latencies, p50p99, runAll } from "./_start.ts";

const WORKFLOWS = 200;
const SLEEP_MS = 1000;

/** W3. */
export const w3: Workload = {
  id: "W3",
  title: `${WORKFLOWS} workflows started at once, each sleeping ${SLEEP_MS} ms then 1 step`,
  metrics: [
    { key: "p50Ms", label: "lateness p50 ((start → complete) − 1 s)", unit: "ms", kind: "time" },
    { key: "p99Ms", label: "lateness p99", unit: "ms", kind: "time" },
    { key: "maxMs", label: "lateness max", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const engine = await env.engine();
    const { started, tracker } = await runAll(engine, SleepBench, { ms: SLEEP_MS }, {
      count: WORKFLOWS,
      timeoutMs: 120_000,
      what: "W3's runs to complete",
    });
    const late = latencies(started, tracker.completedAt).map((ms) => ms - SLEEP_MS);
    const { p50, p99 } = p50p99(late);
    return { p50Ms: p50, p99Ms: p99, maxMs: Math.max(...late) };
  },
};
