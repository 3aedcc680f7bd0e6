import assert from "node:assert/strict";
import { tempDir } from "../../../_helpers.ts";
import { SeqFlow } from "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import { poolEngine } from "./_pool.ts";

Deno.test("1,000 concurrent workflows spread over the pool and every result is correct", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { workers: 2, workflowWorkers: 2 });
  const handles = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => loom.engine.start(SeqFlow, { n: 3, start: i * 10 })),
  );
  const results = await Promise.all(handles.map((h) => h.result()));
  results.forEach((r, i) => assert.deepEqual(r, { total: i * 10 + 3 }));
  const stats = loom.pool.stats();
  assert.equal(stats.restarts, 0);
  assert.equal(stats.inFlight, 0);
  // Each run: 1 start + 3 activity results = 4 activations (plus history requests), 3 attempts.
  assert.ok(stats.activations.reduce((a, b) => a + b) >= 4000);
  assert.equal(stats.attempts.reduce((a, b) => a + b), 3000);
  // The first two activity Workers are the unrestricted ones (the others run w_* activities).
  for (const n of [...stats.activations, ...stats.attempts.slice(0, 2)]) {
    assert.ok(n >= 500, `every Worker took a share: ${JSON.stringify(stats)}`);
  }
  const first = await loom.engine.list({ status: "COMPLETED", limit: 500 });
  const next = await loom.engine.list({ status: "COMPLETED", limit: 500, cursor: first.cursor! });
  assert.equal(first.items.length + next.items.length, 1000);
});
