/**
 * W1: start 1,000 workflows at once, each running 3 sequential steps.
 *
 * @module
 */

import { SeqBench } from "../flows.ts";
import type { Workload } from "../workload.ts";
import { latencies, p50p99, runAll, wallMs } from "./_start.ts";

const WORKFLOWS = 1000;
const STEPS = 3;

/** W1. */
export const w1: Workload = {
  id: "W1",
  title: `${WORKFLOWS.toLocaleString("en")} workflows × ${STEPS} sequential steps, started at once`,
  metrics: [
    { key: "wallMs", label: "wall, first start → last completion", unit: "ms", kind: "time" },
    { key: "workflowsPerSec", label: "workflows/s", unit: "wf/s", kind: "rate" },
    { key: "stepsPerSec", label: "steps/s", unit: "steps/s", kind: "rate" },
    { key: "p50Ms", label: "start → complete p50", unit: "ms", kind: "time" },
    { key: "p99Ms", label: "start → complete p99", unit: "ms", kind: "time" },
  ],
  async run(env) {
    const engine = await env.engine();
    const { started, tracker } = await runAll(engine, SeqBench, { steps: STEPS }, {
      count: WORKFLOWS,
      timeoutMs: 180_000,
      what: "W1's runs to complete",
    });
    const wall = wallMs(started, tracker.completedAt);
    const { p50, p99 } = p50p99(latencies(started, tracker.completedAt));
    return {
      wallMs: wall,
      workflowsPerSec: WORKFLOWS / (wall / 1000),
      stepsPerSec: (WORKFLOWS * STEPS) / (wall / 1000),
      p50Ms: p50,
      p99Ms: p99,
    };
  },
};
