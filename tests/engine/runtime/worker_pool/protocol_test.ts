import assert from "node:assert/strict";
import { tempDir } from "../../../_helpers.ts";
import { SeqFlow } from "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import { ForgeFlow, PostMessageFlow } from "../../../fixtures/hostile_flows.ts";
import { poolEngine } from "./_pool.ts";

Deno.test("workflow and activity code that posts garbage to its Worker's ports does not reach the owner", async () => {
  await using dir = await tempDir();
  const errors: Error[] = [];
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    workflowWorkers: 1,
    onError: (e) => errors.push(e),
  });
  const handle = await loom.engine.start(PostMessageFlow, null);
  const state = await handle.result();
  for (const where of ["before", "activity", "after"] as const) {
    // The Worker's global port is gone; what parentPort and dispatchEvent carry goes nowhere.
    assert.deepEqual(state[where], { global: "absent", parentPort: "sent", dispatch: "sent" });
  }
  assert.equal(loom.pool.stats().restarts, 0, "no Worker died");
  assert.deepEqual(errors, [], "nothing reached the pool to be dropped");
  const after = await loom.engine.start(SeqFlow, { n: 2 });
  assert.deepEqual(await after.result(), { total: 2 }, "the owner goes on");
});

Deno.test("forged answers for other runs' in-flight ids change nothing", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, { workflowWorkers: 2, workers: 2 });
  const honest = await Promise.all(
    Array.from({ length: 30 }, (_, i) => loom.engine.start(SeqFlow, { n: 4, start: i })),
  );
  // Each forger posts well-formed `activated` and `activityDone` errors for ids 1 … 300 from
  // workflow code, while the honest runs' activations and attempts are in flight.
  const forgers = await Promise.all(
    Array.from({ length: 6 }, () => loom.engine.start(ForgeFlow, null)),
  );
  // A generous bound, so that runs a forgery left hanging fail the test instead of stalling it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("runs did not end within 60 s")), 60_000);
  });
  try {
    const states = await Promise.race([Promise.all(honest.map((h) => h.result())), hung]);
    for (const [i, state] of states.entries()) assert.deepEqual(state, { total: i + 4 });
    await Promise.race([Promise.all(forgers.map((f) => f.result())), hung]);
  } finally {
    clearTimeout(timer);
  }
  for (const h of honest) {
    const events = await loom.engine.reader.eventsOf(h.workflowId);
    assert.ok(events.every((e) => !JSON.stringify(e.payload).includes("forged")));
  }
});
