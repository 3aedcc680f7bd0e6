import assert from "node:assert/strict";
import { changeOf, Listeners, recorded } from "../../../engine/runtime/listeners.ts";
import type { Transition } from "../../../store/mod.ts";

const t: Transition = {
  workflowId: "r1",
  record: {
    id: "r1",
    name: "flow",
    version: "1",
    description: "",
    module: "",
    status: "COMPLETED",
    createdAt: 0,
    updatedAt: 0,
    entries: 2,
    events: 3,
    input: { v: null },
    partition: 0,
    tasks: [],
  },
  history: [
    { r: 0, kind: "info", time: 5, firstEventId: 7, events: [{ type: "A", payload: 1 }] },
    {
      r: 1,
      kind: "activation",
      time: 6,
      firstEventId: 8,
      events: [{ type: "B", payload: 2 }, { type: "C", payload: 3 }],
    },
  ],
  finishedTasks: [],
  logs: [],
  timersSet: [],
  timersDelete: [],
  enqueue: [],
};

Deno.test("changeOf() numbers a transition's events with their global ids", () => {
  assert.deepEqual(changeOf(t), {
    workflowId: "r1",
    name: "flow",
    status: "COMPLETED",
    events: [
      { id: 7, workflowId: "r1", type: "A", payload: 1, createdAt: 5 },
      { id: 8, workflowId: "r1", type: "B", payload: 2, createdAt: 6 },
      { id: 9, workflowId: "r1", type: "C", payload: 3, createdAt: 6 },
    ],
    logs: [],
  });
  assert.equal(recorded(t, "C"), true);
  assert.equal(recorded(t, "D"), false);
});

Deno.test("Listeners tells every listener, reports what one throws, and unsubscribes", () => {
  const reported: Error[] = [];
  const listeners = new Listeners((e) => reported.push(e));
  const seen: string[] = [];
  const off = listeners.subscribe((c) => seen.push(`a:${c.workflowId}`));
  listeners.subscribe(() => {
    throw new Error("listener broke");
  });
  listeners.subscribe((c) => seen.push(`c:${c.workflowId}`));
  listeners.emit(changeOf(t));
  assert.deepEqual(seen, ["a:r1", "c:r1"]);
  assert.deepEqual(reported.map((e) => e.message), ["listener broke"]);
  off();
  assert.equal(listeners.size, 2);
  assert.equal(listeners.crashing, false);
});
