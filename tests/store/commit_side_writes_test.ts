import assert from "node:assert/strict";
import {
  EXPIRED_HOOK_RETENTION_MS,
  keys,
  type Mutation,
  pack,
  type Transition,
} from "../../store/mod.ts";

function transition(patch: Partial<Transition>): Transition {
  return {
    workflowId: "run",
    record: {
      id: "run",
      name: "flow",
      version: "1",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: 1000,
      updatedAt: 1000,
      entries: 1,
      events: 1,
      input: { v: null },
      partition: 0,
      tasks: [],
    },
    history: [],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
    ...patch,
  };
}

const byKey = (main: Mutation[], prefix: string) =>
  main.filter((m) => m.kind !== "enqueue" && m.key[0] === prefix);

Deno.test("pack() writes the stream index and the hook index in the transition's own writes", () => {
  const p = pack(
    transition({
      streams: [{ name: "s", first: 4, count: 2, r: 7, time: 50 }],
      hooksSet: [
        { tokenHash: "aa", workflowId: "run", seq: 1, createdAt: 100 },
        { tokenHash: "bb", workflowId: "run", seq: 2, createdAt: 100, expiresAt: 600 },
      ],
      hooksDelete: ["cc"],
    }),
    () => "1.1",
  );
  assert.deepEqual(byKey(p.main, "stream"), [
    { kind: "set", key: keys.stream("run", "s", 4), value: { r: 7, count: 2, time: 50 } },
  ]);
  assert.deepEqual(byKey(p.main, "hook"), [
    {
      kind: "set",
      key: ["hook", "aa"],
      value: { tokenHash: "aa", workflowId: "run", seq: 1, createdAt: 100 },
    },
    {
      kind: "set",
      key: ["hook", "bb"],
      value: { tokenHash: "bb", workflowId: "run", seq: 2, createdAt: 100, expiresAt: 600 },
      // Kept a while after its timeout, to answer "expired", then collected by KV.
      expireIn: 500 + EXPIRED_HOOK_RETENTION_MS,
    },
    { kind: "delete", key: ["hook", "cc"] },
  ]);
  assert.equal(JSON.stringify(p.main).includes("hk_"), false, "no token in any write");
});

Deno.test("pack() of a transition without streams or hooks writes neither index", () => {
  const p = pack(transition({}), () => "1.1");
  assert.deepEqual(byKey(p.main, "stream"), []);
  assert.deepEqual(byKey(p.main, "hook"), []);
});
