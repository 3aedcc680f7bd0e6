import assert from "node:assert/strict";
import { sideWrites } from "../../../engine/runtime/side_writes.ts";
import { buildTransition, type RunState } from "../../../engine/runtime/transition.ts";
import type { WorkflowEvent } from "../../../engine/replay/events.ts";
import type { Transition } from "../../../store/mod.ts";

const appended = (name: string, index: number): WorkflowEvent => ({
  type: "STREAM_APPENDED",
  payload: { name, index, value: index },
});
const created = (seq: number, hash: string, expires?: number): WorkflowEvent => ({
  type: "HOOK_CREATED",
  payload: {
    seq,
    token: `hk_${hash}`,
    token_hash: hash,
    url: "/x",
    created_at: "t",
    ...(expires === undefined ? {} : { timeout_ms: 10, expires_at_ms: expires, expires_at: "t" }),
  },
});

function empty(): Transition {
  return {
    workflowId: "w",
    record: {} as never,
    history: [],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
  };
}

Deno.test("sideWrites() indexes each stream's values per history entry, as runs of indexes", () => {
  const t = empty();
  for (const e of [appended("a", 0), appended("b", 0), appended("a", 1), appended("a", 2)]) {
    assert.equal(sideWrites(t, e, 4, 100), undefined);
  }
  sideWrites(t, appended("a", 3), 5, 200);
  assert.deepEqual(t.streams, [
    { name: "a", first: 0, count: 3, r: 4, time: 100 },
    { name: "b", first: 0, count: 1, r: 4, time: 100 },
    { name: "a", first: 3, count: 1, r: 5, time: 200 },
  ]);
});

Deno.test("sideWrites() indexes created hooks by hash, removes called and closed ones, asks to mint", () => {
  const t = empty();
  assert.deepEqual(
    sideWrites(t, { type: "HOOK_REQUESTED", payload: { seq: 3, timeout_ms: 500 } }, 0, 1),
    { kind: "hook", seq: 3, timeoutMs: 500 },
  );
  assert.deepEqual(sideWrites(t, { type: "HOOK_REQUESTED", payload: { seq: 4 } }, 0, 1), {
    kind: "hook",
    seq: 4,
  });
  sideWrites(t, created(1, "h1", 900), 0, 50);
  sideWrites(t, created(2, "h2"), 0, 50);
  assert.deepEqual(t.hooksSet, [
    { tokenHash: "h1", workflowId: "w", seq: 1, createdAt: 50, expiresAt: 900 },
    { tokenHash: "h2", workflowId: "w", seq: 2, createdAt: 50 },
  ]);
  sideWrites(
    t,
    {
      type: "HOOK_RECEIVED",
      payload: { seq: 9, token_hash: "old", payload: 1, received_at: "t" },
    },
    0,
    60,
  );
  // Created and closed in one transition: never written.
  sideWrites(t, { type: "HOOK_CLOSED", payload: { seq: 2, token_hash: "h2", reason: "x" } }, 0, 60);
  assert.deepEqual(t.hooksSet?.map((h) => h.tokenHash), ["h1"]);
  assert.deepEqual(t.hooksDelete, ["old"]);
});

Deno.test("buildTransition() carries the side writes and the mint effect of the events it records", () => {
  const run: RunState = {
    record: {
      id: "w",
      name: "f",
      version: "1",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: 0,
      updatedAt: 0,
      entries: 2,
      events: 5,
      input: { v: null },
      partition: 0,
      tasks: [],
    },
    created: false,
    input: null,
    stepTask: undefined,
    tasks: new Map(),
    timers: new Map(),
    retriesArmed: () => undefined,
  };
  const built = buildTransition(run, {
    infos: [],
    output: {
      inbound: [created(1, "h1")],
      outbound: [appended("s", 0), { type: "HOOK_REQUESTED", payload: { seq: 2 } }],
      outboundSteps: [undefined, undefined],
      logs: [],
      status: "RUNNING",
    },
    time: 70,
    ids: { event: 10, log: 0 },
  });
  const t = built.transition as Transition;
  assert.deepEqual(t.streams, [{ name: "s", first: 0, count: 1, r: 2, time: 70 }]);
  assert.deepEqual(t.hooksSet, [{ tokenHash: "h1", workflowId: "w", seq: 1, createdAt: 70 }]);
  assert.deepEqual(built.effects, [{ kind: "hook", seq: 2 }]);
});
