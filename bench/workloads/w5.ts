/**
 * W5: start 10,000 workflows that each wait for a signal, then signal them all. Runs in a
 * subprocess ({@link ../w5_worker.ts}) so that its memory figures start from a clean process.
 *
 * @module
 */

import { Child } from "../subprocess.ts";
import type { Workload } from "../workload.ts";

const WORKFLOWS = 10_000;
const MIB = 1024 * 1024;

/** W5. */
export const w5: Workload = {
  id: "W5",
  title: `${WORKFLOWS.toLocaleString("en")} workflows wait for a signal, then all are signalled`,
  metrics: [
    { key: "peakRssMiB", label: "peak RSS, starts and wait", unit: "MiB", kind: "bytes" },
    { key: "heldRssMiB", label: "RSS with all waiting (after 0.5 s)", unit: "MiB", kind: "bytes" },
    { key: "heapMiB", label: "JS heap used with all waiting", unit: "MiB", kind: "bytes" },
    {
      key: "baselineRssMiB",
      label: "RSS of the idle engine (before starts)",
      unit: "MiB",
      kind: "bytes",
    },
    {
      key: "perWorkflowKiB",
      label: "(peak − idle) per waiting workflow",
      unit: "KiB",
      kind: "bytes",
    },
    { key: "allWaitingMs", label: "first start → all waiting", unit: "ms", kind: "time" },
    { key: "signalP50Ms", label: "signal → completion p50", unit: "ms", kind: "time" },
    { key: "signalP99Ms", label: "signal → completion p99", unit: "ms", kind: "time" },
    {
      key: "drainPerSec",
      label: "drain, first signal → last completion",
      unit: "wf/s",
      kind: "rate",
    },
  ],
  note: () =>
    "W5 runs each round in a fresh subprocess; peak RSS is Deno.memoryUsage().rss sampled every " +
    "10 ms from just before the first start until 0.5 s after the last run was waiting.",
  async run(env) {
    await using child = new Child(new URL("../w5_worker.ts", import.meta.url), [
      "--kv",
      env.kvPath,
      "--count",
      String(WORKFLOWS),
      "--workers",
      String(env.flags.workers),
    ]);
    const { message: r } = await child.waitFor((m) => m.event === "result", 600_000, "W5's result");
    const n = (k: string) => {
      const v = r[k];
      if (typeof v !== "number") throw new Error(`W5's subprocess reported no "${k}"`);
      return v;
    };
    return {
      peakRssMiB: n("waitPeakRss") / MIB,
      heldRssMiB: n("heldRss") / MIB,
      heapMiB: n("heapUsed") / MIB,
      baselineRssMiB: n("baselineRss") / MIB,
      perWorkflowKiB: (n("waitPeakRss") - n("baselineRss")) / WORKFLOWS / 1024,
      allWaitingMs: n("waitingMs"),
      signalP50Ms: n("signalP50Ms"),
      signalP99Ms: n("signalP99Ms"),
      drainPerSec: WORKFLOWS / (n("drainMs") / 1000),
    };
  },
};
