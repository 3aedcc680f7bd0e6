import assert from "node:assert/strict";
import {
  inputReference,
  keys,
  pack,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";

function record(patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
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
    ...patch,
  };
}

function transition(patch: Partial<Transition> = {}): Transition {
  return {
    workflowId: "run",
    record: record(),
    created: true,
    input: { n: 1 },
    history: [{
      r: 0,
      kind: "activation",
      time: 1000,
      firstEventId: 1,
      events: [{ type: "WORKFLOW_STARTED", payload: {} }],
    }],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
    ...patch,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

Deno.test("pack() leaves the transition and its record as they were", () => {
  const created = transition();
  const ended = transition({
    created: false,
    record: record({ status: "COMPLETED", completedAt: 2000 }),
    previousStatus: "RUNNING",
    result: { total: 3 },
  });
  for (const t of [created, ended]) {
    const before = structuredClone(t);
    deepFreeze(t);
    pack(t);
    assert.deepEqual(t, before);
  }
});

Deno.test("pack() returns the stored record with its input and result references", () => {
  const created = pack(transition());
  assert.deepEqual(created.record, record({ input: { v: { n: 1 } } }));
  const write = created.main.find((m) => m.kind === "set" && m.key.join() === "wf,run");
  assert.ok(write !== undefined && write.kind === "set");
  assert.equal(write.value, created.record, "the record written is the one returned");

  const ended = pack(transition({
    created: false,
    record: record({ status: "COMPLETED", input: { v: { n: 1 } } }),
    previousStatus: "RUNNING",
    result: { total: 3 },
  }));
  assert.deepEqual(ended.record.result, { v: { total: 3 } });
  assert.deepEqual(ended.record.input, { v: { n: 1 } }, "an existing run keeps its reference");
  assert.ok(
    ended.main.some((m) => m.kind === "delete" && m.key.join() === "i,status,RUNNING,1000,run"),
  );
});

Deno.test("inputReference() is the reference pack() stores, inline or chunked", () => {
  const small = { n: 1 };
  assert.deepEqual(inputReference("run", small), pack(transition({ input: small })).record.input);
  const big = { text: "x".repeat(5000) };
  const packed = pack(transition({ input: big }));
  assert.deepEqual(inputReference("run", big), packed.record.input);
  assert.ok("blob" in packed.record.input, "a large input leaves the record");
  assert.ok(
    packed.chunks.some((m) =>
      m.kind === "set" && m.key.join() === keys.blob("run", "input", 0).join()
    ),
  );
  assert.deepEqual(inputReference("run", undefined), { v: null });
});
