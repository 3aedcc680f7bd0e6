import assert from "node:assert/strict";
import { WorkflowExecutionError, WorkflowStuckError } from "../../../engine/mod.ts";
import { engineTest } from "../../_helpers.ts";
import {
  CatchAllFlow,
  DeterministicFlow,
  SeqFlow,
  SleepFlow,
  StateFlow,
  StuckFlow,
} from "../../fixtures/flows.ts";

engineTest(
  "a catch-all try/catch around durable calls does not break suspension",
  async (engine) => {
    const handle = await engine.start(CatchAllFlow, null);
    assert.deepEqual(await handle.result(), { value: 7, caught: 0 });
  },
);

engineTest(
  "awaiting something that is not durable fails the run with a clear error",
  async (engine) => {
    const handle = await engine.start(StuckFlow, null);
    await assert.rejects(handle.result(), (e: unknown) => {
      assert.ok(e instanceof WorkflowExecutionError);
      assert.ok(e.cause instanceof WorkflowStuckError);
      assert.match(e.message, /Workflow "t_stuck" .* is stuck in step "hang"/);
      assert.match(e.message, /not a durable call/);
      return true;
    });
  },
);

engineTest("state set, update and batch record one event each", async (engine) => {
  const handle = await engine.start(StateFlow, null);
  assert.deepEqual(await handle.result(), { a: 1, b: 2, c: 3, d: 4 });
  const events = (await engine.reader.eventsOf(handle.workflowId)).filter((e) =>
    e.type.startsWith("STATE_")
  );
  assert.deepEqual(events.map((e) => [e.type, e.payload]), [
    ["STATE_SET", { key: "a", value: 1 }],
    ["STATE_UPDATE", { state: { a: 1, b: 2 } }],
    ["STATE_UPDATE", { state: { a: 1, b: 2, c: 3, d: 4 } }],
  ]);
});

engineTest("with no cache every step replays history and gets the same results", async (engine) => {
  const handle = await engine.start(SeqFlow, { n: 20 });
  assert.deepEqual(await handle.result(), { total: 20 });
  const det = await engine.start(DeterministicFlow, { ms: 10 });
  const state = await det.result();
  assert.equal(state.first[1] === state.second[1], false, "random() moves on");
  const sleepy = await engine.start(SleepFlow, { ms: 5 });
  await sleepy.result();
}, { cacheSize: 0 });

engineTest(
  "now(), random() and uuid() give the same values when history replays",
  async (engine) => {
    const a = await engine.start(DeterministicFlow, { ms: 10 }, { workflowId: "det-1" });
    const state = await a.result();
    assert.match(state.first[2], /^[0-9a-f-]{36}$/);
    assert.ok(state.second[0] >= state.first[0] + 10);
    // "first" was recorded in the first activation; the final state holds the value the replay
    // (before the second activation) computed again.
    const recorded = (await engine.reader.eventsOf(a.workflowId)).find((e) =>
      e.type === "STATE_SET" && (e.payload as { key: string }).key === "first"
    );
    assert.deepEqual((recorded?.payload as { value: unknown }).value, state.first);
  },
  { cacheSize: 0 },
);
