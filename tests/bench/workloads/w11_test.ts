import assert from "node:assert/strict";
import { parseBenchFlags } from "../../../bench/flags.ts";
import { runWorkload } from "../../../bench/runner.ts";
import { WORKLOADS } from "../../../bench/workloads/mod.ts";
import { w11 } from "../../../bench/workloads/w11.ts";

Deno.test("W11 follows a run's stream over SSE and reports write → read latency of every value", async () => {
  assert.equal(WORKLOADS.W11, w11);
  const result = await runWorkload(w11, parseBenchFlags(["--only", "W11", "--memory"]), 1);
  assert.equal(result.error, undefined);
  assert.deepEqual(result.metrics.map((m) => m.key), ["p50Ms", "p99Ms", "maxMs"]);
  const [p50, p99, max] = result.metrics.map((m) => m.median);
  assert.ok((p50 as number) > 0 && (p50 as number) <= (p99 as number));
  assert.ok((p99 as number) <= (max as number));
});
