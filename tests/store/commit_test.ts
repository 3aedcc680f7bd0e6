import assert from "node:assert/strict";
import {
  inputReference,
  keys,
  pack,
  plan,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";

/** Write ids as a store hands them out: epoch 4, counting from 1. */
function writeIds(): () => string {
  let n = 0;
  return () => `4.${++n}`;
}

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
    pack(t, writeIds());
    assert.deepEqual(t, before);
  }
});

Deno.test("pack() returns the stored record with its input and result references", () => {
  const created = pack(transition(), writeIds());
  assert.deepEqual(created.record, record({ input: { v: { n: 1 } } }));
  const write = created.main.find((m) => m.kind === "set" && m.key.join() === "wf,run");
  assert.ok(write !== undefined && write.kind === "set");
  assert.equal(write.value, created.record, "the record written is the one returned");

  const ended = pack(
    transition({
      created: false,
      record: record({ status: "COMPLETED", input: { v: { n: 1 } } }),
      previousStatus: "RUNNING",
      result: { total: 3 },
    }),
    writeIds(),
  );
  assert.deepEqual(ended.record.result, { v: { total: 3 } });
  assert.deepEqual(ended.record.input, { v: { n: 1 } }, "an existing run keeps its reference");
  assert.ok(
    ended.main.some((m) => m.kind === "delete" && m.key.join() === "i,status,RUNNING,1000,run"),
  );
});

Deno.test("inputReference() is the reference pack() stores, inline or chunked under the write id it names", () => {
  const small = { n: 1 };
  const none = () => assert.fail("no write id for a small input");
  assert.deepEqual(
    inputReference("run", small, none),
    pack(transition({ input: small }), none).record.input,
  );
  const big = { text: "x".repeat(5000) };
  const ref = inputReference("run", big, () => "9.1");
  assert.deepEqual(ref, { blob: "9.1", chunks: 1, bytes: JSON.stringify(big).length });
  const packed = pack(transition({ input: big, record: record({ input: ref }) }), none);
  assert.deepEqual(packed.record.input, ref);
  assert.deepEqual(packed.blobs.map((b) => b.chunks.map(([k]) => k)), [[
    keys.blob("run", "9.1", 0),
  ]]);
  assert.throws(
    () => pack(transition({ input: { other: 1 }, record: record({ input: ref }) }), none),
    /does not match its input/,
  );
  assert.deepEqual(inputReference("run", undefined, none), { v: null });
});

Deno.test("pack() gives every chunked value a write id of its own", () => {
  const large = "y".repeat(70_000);
  const packed = pack(
    transition({
      created: false,
      record: record({ status: "COMPLETED" }),
      previousStatus: "RUNNING",
      result: { large },
      history: [0, 1].map((r) => ({
        r,
        kind: "activation" as const,
        time: 1000,
        firstEventId: 1 + r,
        events: [{ type: "STATE_SET", payload: { value: large } }],
      })),
    }),
    writeIds(),
  );
  assert.deepEqual(packed.blobs.map((b) => b.writeId), ["4.1", "4.2", "4.3"]);
  assert.deepEqual(packed.record.result, { blob: "4.1", chunks: 2, bytes: 70_012 });
  const entries = packed.main.filter((m) => m.kind === "set" && m.key[0] === "h");
  assert.deepEqual(
    entries.map((m) => m.kind === "set" && (m.value as { blob: { blob: string } }).blob.blob),
    ["4.2", "4.3"],
  );
});

Deno.test("plan() puts chunks that fit in the transition's operation, without a pending-blob key", () => {
  const t = transition({ input: { text: "x".repeat(100_000) } });
  const packed = pack(t, writeIds());
  const p = plan([packed]);
  assert.deepEqual(p.chunkOps, []);
  assert.deepEqual(p.separate, []);
  const op = p.ops[0]!;
  assert.ok(op.some((m) => m.kind === "set" && m.key[0] === "blob"));
  assert.ok(
    !op.some((m) => m.kind !== "enqueue" && m.key[0] === "blob_pending"),
  );
});

Deno.test("plan() writes chunks too large for the operation first, with a pending-blob key that the transition's operation deletes", () => {
  const t = transition({ input: { text: "x".repeat(900_000) } });
  const packed = pack(t, writeIds());
  const p = plan([packed]);
  assert.deepEqual(p.separate, [0]);
  assert.ok(p.chunkOps.length >= 2, "900 KB take more than one operation");
  const first = p.chunkOps[0]!;
  assert.deepEqual(first[0], {
    kind: "set",
    key: keys.pendingBlob("run", "4.1"),
    value: { chunks: 16 },
  });
  const chunks = p.chunkOps.flat().filter((m) => m.kind === "set" && m.key[0] === "blob");
  assert.equal(chunks.length, 16, "900,012 bytes in chunks of 60,000");
  const op = p.ops[0]!;
  assert.ok(!op.some((m) => m.kind === "set" && m.key[0] === "blob"), "no chunk in the main op");
  assert.ok(
    op.some((m) => m.kind === "delete" && m.key.join() === keys.pendingBlob("run", "4.1").join()),
  );
});

Deno.test("pack() removes and answers the inbox requests a transition carries out, in its own writes", () => {
  const key = keys.inbox(3, 1000, "req-1");
  const packed = pack(transition({ answers: [{ key, id: "req-1" }] }), writeIds());
  const del = packed.main.find((m) => m.kind === "delete" && m.key.join() === key.join());
  assert.ok(del, "the request leaves the inbox");
  const reply = packed.main.find((m) =>
    m.kind === "set" && m.key.join() === keys.inboxReply("req-1").join()
  );
  assert.ok(reply?.kind === "set");
  assert.deepEqual(reply.value, { ok: true, at: 1000 });
  assert.equal(reply.expireIn, 3_600_000);
});
