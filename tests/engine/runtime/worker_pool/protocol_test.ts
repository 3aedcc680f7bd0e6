import assert from "node:assert/strict";
import { fromWorkerProblem } from "../../../../engine/runtime/worker_pool/protocol.ts";
import { tempDir } from "../../../_helpers.ts";
import { SeqFlow } from "../../../fixtures/flows.ts";
import "../../../fixtures/worker_flows.ts";
import { PostMessageFlow } from "../../../fixtures/hostile_flows.ts";
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
  // Each forger posts `activated` and `activityDone` errors for ids 1 … 300, from workflow and
  // from activity code, while the honest runs' activations and attempts are in flight.
  const forgers = await Promise.all(
    Array.from({ length: 6 }, () => loom.engine.start(PostMessageFlow, null)),
  );
  for (const [i, h] of honest.entries()) assert.deepEqual(await h.result(), { total: i + 4 });
  for (const f of forgers) await f.result();
  for (const h of honest) {
    const events = await loom.engine.reader.eventsOf(h.workflowId);
    assert.ok(events.every((e) => !JSON.stringify(e.payload).includes("forged")));
  }
});

Deno.test("the main isolate's shape check of Worker messages", () => {
  const error = { name: "Error", message: "m" };
  const output = { inbound: [], outbound: [], outboundSteps: [], logs: [], status: "RUNNING" };
  for (
    const good of [
      { type: "ready", summary: { workflows: {}, activities: {} } },
      { type: "initFailed", module: "m", error },
      {
        type: "activated",
        id: 1,
        responses: [{ kind: "output", output }, { kind: "needHistory" }],
      },
      { type: "activated", id: 2, responses: [{ kind: "error", error }] },
      { type: "replayed", id: 3 },
      { type: "activityDone", id: 4, result: { ok: true, result: null } },
      { type: "activityDone", id: 4, result: { ok: false, error } },
      { type: "fatal", error },
    ]
  ) assert.equal(fromWorkerProblem(good), undefined, JSON.stringify(good));
  const bad: [unknown, RegExp][] = [
    [{}, /unknown type/],
    [null, /not an object/],
    [42, /not an object/],
    [{ type: "activated", id: "1", responses: [] }, /without an id/],
    [{ type: "activated", id: 1 }, /without an id or answers/],
    [{ type: "activated", id: 1, responses: [{}] }, /unknown kind/],
    [{ type: "activated", id: 1, responses: [{ kind: "output", output: {} }] }, /wrong shape/],
    [{ type: "activated", id: 1, responses: [{ kind: "error" }] }, /without an error/],
    [{ type: "activityDone", id: 1, result: { ok: false } }, /wrong shape/],
    [{ type: "activityDone", id: 1 }, /without an id or result/],
    [{ type: "fatal" }, /without an error/],
    [{ type: "ready" }, /without a registry summary/],
    [{ type: "replayed" }, /without an id/],
  ];
  for (const [message, problem] of bad) {
    assert.match(fromWorkerProblem(message) ?? "", problem, JSON.stringify(message));
  }
});
