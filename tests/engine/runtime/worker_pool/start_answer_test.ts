import assert from "node:assert/strict";
import { LoomReader } from "../../../../engine/mod.ts";
import "../../../fixtures/flows.ts";
import { LoopFlow } from "../../../fixtures/worker_flows.ts";
import { tempDir } from "../../../_helpers.ts";
import { poolEngine } from "./_pool.ts";

Deno.test("start() answers at once when the run's first activation spins in a Worker", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using loom = await poolEngine(kvPath, { workflowWorkers: 1, activationTimeoutMs: 20_000 });
  const began = Date.now();
  const handle = await loom.engine.start(LoopFlow, null, { workflowId: "spins" });
  const took = Date.now() - began;
  assert.ok(took < 5000, `start() answered after ${took} ms`);
  assert.equal(handle.created, true);
  // The start is durable: another reader sees the run in the store.
  const kv = await Deno.openKv(kvPath);
  try {
    const record = await new LoomReader(kv, kvPath).run("spins");
    assert.equal(record?.status, "RUNNING");
    assert.equal(record?.name, "w_loop");
  } finally {
    kv.close();
  }
});
