/**
 * A quick comparison of the executors (not the bench harness): W1, W2 and W4 with `workers: 0`
 * and `workers: 2` on a temp-file KV. Prints the median of `--runs` runs of each.
 *
 * W1-cpu is W1 with CPU-bound activities (200 workflows × 3 steps of 2 ms of busy work), where
 * the activity Workers run in parallel.
 *
 * `deno run -A bench/workers_perf.ts [--runs 5] [--only W1|W1-cpu|W2|W4] [--workers 0,2]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createEngine } from "../engine/mod.ts";
import { FanOut, Sequential, ThreeBusySteps, ThreeSteps } from "./workers_perf_flows.ts";

const FLOWS = new URL("./workers_perf_flows.ts", import.meta.url).href;
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    workers: { type: "string", default: "0,2" },
  },
});

const cases = {
  W1: async (engine: Awaited<ReturnType<typeof createEngine>>) => {
    const hs = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => engine.start(ThreeSteps, { n: i })),
    );
    const rs = await Promise.all(hs.map((h) => h.result()));
    if (!rs.every((r, i) => r.n === i + 3)) throw new Error("W1: wrong result");
    return 3000;
  },
  "W1-cpu": async (engine: Awaited<ReturnType<typeof createEngine>>) => {
    const hs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => engine.start(ThreeBusySteps, { n: i, ms: 2 })),
    );
    const rs = await Promise.all(hs.map((h) => h.result()));
    if (!rs.every((r, i) => r.n === i + 3)) throw new Error("W1-cpu: wrong result");
    return 600;
  },
  W2: async (engine: Awaited<ReturnType<typeof createEngine>>) => {
    const r = await (await engine.start(Sequential, { steps: 100 })).result();
    if (r.n !== 100) throw new Error("W2: wrong result");
    return 100;
  },
  W4: async (engine: Awaited<ReturnType<typeof createEngine>>) => {
    const r = await (await engine.start(FanOut, { width: 100 })).result();
    if (r.sum !== 5050) throw new Error("W4: wrong result");
    return 100;
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results: Record<string, Record<number, number>> = {};
for (const [name, run] of Object.entries(cases)) {
  if (values.only !== undefined && values.only !== name) continue;
  for (const workers of values.workers.split(",").map(Number)) {
    const times: number[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const dir = await Deno.makeTempDir({ prefix: "loom-perf-" });
      const engine = await createEngine({ kvPath: `${dir}/loom.kv`, workers, modules: [FLOWS] });
      const t0 = performance.now();
      const steps = await run(engine);
      times.push(performance.now() - t0);
      await engine.close();
      await Deno.remove(dir, { recursive: true });
      void steps;
    }
    (results[name] ??= {})[workers] = median(times);
    console.log(
      `${name} workers=${workers}: median ${median(times).toFixed(0)} ms of [${
        times.map((t) => t.toFixed(0)).join(", ")
      }]`,
    );
  }
}
for (const [name, byWorkers] of Object.entries(results)) {
  const [a, b] = Object.values(byWorkers);
  if (a !== undefined && b !== undefined) console.log(`${name}: ratio ${(b / a).toFixed(2)}`);
}
