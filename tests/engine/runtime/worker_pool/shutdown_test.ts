import assert from "node:assert/strict";
import { LoomReader } from "../../../../engine/mod.ts";
import { tempDir, traceLines, until } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";
import { SlowFlow } from "../../../fixtures/worker_flows.ts";
import { poolEngine } from "./_pool.ts";

/** Reads a run's events straight from the file, without an engine (which would resume it). */
async function eventTypes(kvPath: string, id: string): Promise<string[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    return (await new LoomReader(kv, kvPath).eventsOf(id)).map((e) => e.type);
  } finally {
    kv.close();
  }
}

Deno.test("close() lets an activity running in a Worker finish within the grace period and commits it", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const trace = `${dir.path}/slow.trace`;
  const loom = await poolEngine(kvPath, {}, { shutdownGraceMs: 5000 });
  await loom.engine.start(SlowFlow, { trace, ms: 300 }, { workflowId: "slow" });
  await until(async () => (await traceLines(trace)).includes("started"), "the activity to start");
  await loom.engine.close();
  assert.deepEqual(await traceLines(trace), ["started", "finished"]);
  assert.equal(loom.pool.stats().inFlight, 0);
  const types = await eventTypes(kvPath, "slow");
  assert.ok(types.includes("ACTIVITY_COMPLETED"), types.join());
  assert.equal(types.at(-1), "SIGNAL_WAITING", "the run went on to its next call");
});

Deno.test("close() abandons an activity past the grace period; it runs again after a restart", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const trace = `${dir.path}/slow.trace`;
  const loom = await poolEngine(kvPath, {}, { shutdownGraceMs: 50 });
  await loom.engine.start(SlowFlow, { trace, ms: 400 }, { workflowId: "slow" });
  await until(async () => (await traceLines(trace)).includes("started"), "the activity to start");
  await loom.engine.close();
  assert.deepEqual(await traceLines(trace), ["started"], "the Worker was stopped mid-activity");
  const types = await eventTypes(kvPath, "slow");
  assert.equal(types.at(-1), "ACTIVITY_SCHEDULED", "nothing about the attempt was committed");
  await using again = await poolEngine(kvPath);
  await until(
    async () =>
      (await again.engine.reader.eventsOf("slow")).some((e) => e.type === "SIGNAL_WAITING"),
    "the activity to run again",
  );
  assert.deepEqual(await traceLines(trace), ["started", "started", "finished"]);
  await again.engine.getHandle("slow").signal("go", null);
  assert.deepEqual(await again.engine.getHandle("slow").result(), { slept: 400 });
});
