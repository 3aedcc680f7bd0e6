import assert from "node:assert/strict";
import { WorkflowExecutionError, WorkflowStuckError } from "../../../../engine/mod.ts";
import { tempDir, until } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import { ShortFlow, SpinnerFlow } from "../../../fixtures/hostile_flows.ts";
import { poolEngine } from "./_pool.ts";

Deno.test("a workflow that spins stalls nobody else: short runs complete while it is stuck, then it fails as stuck", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    workflowWorkers: 2,
    workers: 2,
    // Well above what a short activation takes on a loaded 2-core machine (the full suite).
    stuckAfterMs: 3000,
  });
  const order: string[] = [];
  const spinner = await loom.engine.start(SpinnerFlow, null, { workflowId: "spinner" });
  const spun = spinner.result().then(
    () => order.push("spinner completed"),
    (e: unknown) => {
      order.push("spinner failed");
      return e;
    },
  );
  await until(
    async () =>
      (await loom.engine.reader.eventsOf("spinner")).some((e) => e.type === "ACTIVITY_SCHEDULED"),
    "the spinner's activity",
  );
  const shorts = await Promise.all(
    Array.from({ length: 20 }, (_, i) => loom.engine.start(ShortFlow, { n: i })),
  );
  const done = shorts.map((h, i) =>
    h.result().then((state) => {
      order.push(`short ${i}`);
      assert.deepEqual(state, { n: i });
    })
  );
  await Promise.all(done);
  const error = await spun;
  assert.equal(order.length, 21, order.join(", "));
  // Had the spinner stalled the others, none would end before it failed (about 6 s: twice the
  // stuck limit). On a loaded machine the last few may end after it; most must end before.
  const before = order.indexOf("spinner failed");
  assert.ok(before >= 10, `short runs ended while it was stuck: ${order.join(", ")}`);
  assert.ok(error instanceof WorkflowExecutionError);
  assert.ok(error.cause instanceof WorkflowStuckError);
  assert.match(
    error.message,
    /Workflow "h_spinner" \(id "spinner"\) did not finish an activation within 3000 ms, twice, in two Workers/,
  );
  const failed = (await loom.engine.reader.eventsOf("spinner")).find((e) =>
    e.type === "WORKFLOW_FAILED"
  );
  assert.ok(failed !== undefined, "the run is FAILED");
  assert.ok(loom.pool.stats().restarts >= 2, "both Workers it spun in were stopped");
});

Deno.test("a spinning activation's batch-mates are not failed with it", async () => {
  await using dir = await tempDir();
  await using loom = await poolEngine(`${dir.path}/loom.kv`, {
    workflowWorkers: 1,
    stuckAfterMs: 1000,
  });
  // Started in one tick: their activations after the first activity share one batch.
  const [spinner, ...shorts] = await Promise.all([
    loom.engine.start(SpinnerFlow, null),
    ...Array.from({ length: 5 }, (_, i) => loom.engine.start(ShortFlow, { n: i })),
  ]);
  for (const [i, h] of shorts.entries()) assert.deepEqual(await h.result(), { n: i });
  await assert.rejects(spinner!.result(), (e: unknown) => {
    assert.ok(e instanceof WorkflowExecutionError && e.cause instanceof WorkflowStuckError);
    return true;
  });
});
