import assert from "node:assert/strict";
import {
  acquireLease,
  FenceLost,
  INLINE_LIMIT,
  keys,
  KvStore,
  LeaseHeld,
  pack,
  plan,
  releaseLease,
  renewLease,
  SCHEMA_VERSION,
  SchemaMismatch,
  type TaskRecord,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";
import {
  getEvent,
  getTask,
  listRunPage,
  listTasks,
  queryEvents,
  queryLogs,
} from "../../store/queries/mod.ts";
import { queuelessKv, tempDir } from "../_helpers.ts";
import { fenceAll } from "./_fences.ts";

type Mode = "memory" | "file" | "queueless";

function storeTest(name: string, fn: (store: KvStore, path: string) => Promise<void>): void {
  for (const mode of ["memory", "file", "queueless"] as Mode[]) {
    Deno.test(`KvStore ${name} [${mode}]`, async () => {
      await using dir = await tempDir();
      const path = mode === "memory" ? ":memory:" : `${dir.path}/store.kv`;
      const raw = await Deno.openKv(path);
      const store = new KvStore(mode === "queueless" ? queuelessKv(raw) : raw, path);
      try {
        await store.ensureSchema();
        await fn(store, path);
      } finally {
        raw.close();
      }
    });
  }
}

function record(id: string, patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
    id,
    name: "flow",
    version: "1",
    description: "",
    module: "",
    status: "RUNNING",
    createdAt: 1000,
    updatedAt: 1000,
    entries: 0,
    events: 0,
    input: { v: null },
    partition: 0,
    tasks: [],
    ...patch,
  };
}

function transition(id: string, patch: Partial<Transition> = {}): Transition {
  return {
    workflowId: id,
    record: record(id, { entries: 1, events: 1 }),
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

storeTest("commits a new run with its indexes, history and input", async (store) => {
  const results = await store.commit([transition("a")]);
  assert.deepEqual(results, [undefined]);
  const rec = await store.getWorkflow("a");
  assert.equal(rec?.status, "RUNNING");
  assert.deepEqual(await store.readValue("a", rec!.input), { n: 1 });
  assert.deepEqual((await store.loadHistory("a")).map((h) => h.r), [0]);
  assert.deepEqual(await store.idsWithStatus("RUNNING"), ["a"]);
  assert.equal((await listRunPage(store.kv, { name: "flow" })).items.length, 1);
  assert.deepEqual(await store.lastIds(), { event: 1, log: 0 });
  assert.equal((await getEvent(store.kv, 1))?.type, "WORKFLOW_STARTED");
  assert.equal(await getEvent(store.kv, 2), undefined);
});

storeTest("moves the status index when the status changes", async (store) => {
  await store.commit([transition("a")]);
  const done = record("a", { status: "COMPLETED", entries: 2, events: 2 });
  await store.commit([{
    ...transition("a"),
    created: false,
    record: done,
    previousStatus: "RUNNING",
    result: { ok: true },
    history: [{
      r: 1,
      kind: "activation",
      time: 2000,
      firstEventId: 2,
      events: [{ type: "WORKFLOW_COMPLETED", payload: {} }],
    }],
  }]);
  assert.deepEqual(await store.idsWithStatus("RUNNING"), []);
  assert.deepEqual(await store.idsWithStatus("COMPLETED"), ["a"]);
  const rec = await store.getWorkflow("a");
  assert.deepEqual(await store.readValue("a", rec!.result!), { ok: true });
  assert.deepEqual(
    (await queryEvents(store.kv, { afterId: 1 }, { limit: 100 })).items.map((e) => e.type),
    [
      "WORKFLOW_COMPLETED",
    ],
  );
});

storeTest("chunks values and histories larger than a KV value", async (store) => {
  const big = "ü".repeat(200_000);
  const t = transition("big", { input: { big } });
  t.history[0]!.events = [{ type: "STATE_SET", payload: { key: "k", value: big } }];
  assert.deepEqual(await store.commit([t]), [undefined]);
  const rec = await store.getWorkflow("big");
  assert.ok("blob" in rec!.input, "the input is chunked");
  assert.deepEqual(await store.readValue("big", rec!.input), { big });
  const [h] = await store.loadHistory("big");
  assert.equal((h!.events[0] as { payload: { value: string } }).payload.value, big);
  assert.equal((await getEvent(store.kv, 1))?.type, "STATE_SET");
  assert.ok(INLINE_LIMIT < 65_536);
});

storeTest(
  "packs many transitions into several atomic operations within the limits",
  async (store) => {
    const many = Array.from(
      { length: 600 },
      (_, i) =>
        transition(`w${String(i).padStart(4, "0")}`, {
          history: [{
            r: 0,
            kind: "activation",
            time: 1000,
            firstEventId: i + 1,
            events: [{ type: "WORKFLOW_STARTED", payload: {} }],
          }],
        }),
    );
    let n = 0;
    const p = plan(many.map((t) => pack(t, () => `1.${++n}`)));
    assert.ok(p.ops.length > 1, "more than one atomic operation");
    assert.deepEqual(
      p.members.flat(),
      many.map((_, i) => i),
      "in order, each once",
    );
    const results = await store.commit(many);
    assert.ok(results.every((r) => r === undefined));
    assert.equal((await store.idsWithStatus("RUNNING")).length, 600);
    const page = await listRunPage(store.kv, { limit: 250 });
    assert.equal(page.items.length, 250);
    const next = await listRunPage(store.kv, { limit: 500, cursor: page.cursor! });
    assert.equal(next.items.length, 350);
    assert.equal(next.cursor, undefined);
  },
);

storeTest("refuses only the transition that KV cannot take", async (store) => {
  const bad = transition("x".repeat(3000));
  const results = await store.commit([transition("good-1"), bad, transition("good-2")]);
  assert.equal(results[0], undefined);
  assert.ok(results[1] instanceof Error);
  assert.match(results[1].message, /Key too large/);
  assert.equal(results[2], undefined);
  assert.ok(await store.getWorkflow("good-2"));
});

storeTest("refuses the later transitions of a run whose transition was refused", async (store) => {
  const ok = transition("run");
  const refused = transition("run", {
    created: false,
    record: record("run", { entries: 2, events: 2 }),
    logs: [{
      id: 1,
      workflowId: "run",
      workflowName: "flow",
      level: "INFO",
      message: "y".repeat(70_000),
      createdAt: 0,
    }],
  });
  const later = transition("run", {
    created: false,
    record: record("run", { entries: 3, events: 3 }),
  });
  const other = transition("other");
  const results = await store.commit([ok, refused, later, other]);
  assert.equal(results[0], undefined);
  assert.match(String(results[1]), /too large/);
  assert.match(String(results[2]), /An earlier transition of workflow "run" was refused/);
  assert.equal(results[3], undefined);
  assert.equal((await store.getWorkflow("run"))?.entries, 1);
});

storeTest(
  "refuses a commit once its run's partition's epoch has moved, and only then",
  async (store) => {
    await fenceAll(store, "test", { ownerId: "me" });
    await store.commit([transition("before")]);
    // Another process takes the partition of "after": its commit checks that epoch and fails.
    const taken = store.partitionOf("after");
    await store.kv.set(keys.epoch(taken), { epoch: 99, ownerId: "someone else" });
    await assert.rejects(store.commit([transition("after")]), FenceLost);
    assert.equal(await store.getWorkflow("after"), undefined);
    // A run of a partition still held lands: its commit checks only its own partition's epoch.
    let other = 0;
    while (store.partitionOf(`held-${other}`) === taken) other++;
    await store.commit([transition(`held-${other}`)]);
    assert.equal((await store.getWorkflow(`held-${other}`))?.id, `held-${other}`);
    // In one operation with a run of the taken partition, nothing lands.
    await assert.rejects(store.commit([transition("held-x"), transition("after")]), FenceLost);
    if (store.partitionOf("held-x") !== taken) {
      assert.equal(await store.getWorkflow("held-x"), undefined);
    }
  },
);

storeTest("keeps open tasks in records and finished ones in the task log", async (store) => {
  const task = (id: number, workflowId: string, status: TaskRecord["status"]): TaskRecord => ({
    id,
    workflowId,
    workflowName: "flow",
    kind: "ACTIVITY",
    target: "act",
    status,
    attempts: 1,
    maxAttempts: 1,
    runAt: 0,
    createdAt: 0,
    updatedAt: 0,
    seq: id,
  });
  const events = (first: number) => [{
    r: 0,
    kind: "activation" as const,
    time: 0,
    firstEventId: first,
    events: [{ type: "X", payload: {} }],
  }];
  await store.commit([transition("even", {
    record: record("even", { tasks: [task(3, "even", "RUNNING")] }),
    history: events(1),
    finishedTasks: [task(1, "even", "COMPLETED"), task(2, "even", "FAILED")],
    logs: [{
      id: 1,
      workflowId: "even",
      workflowName: "flow",
      level: "INFO",
      message: "hi",
      createdAt: 0,
    }],
    timersSet: [[500, 7], [5000, 8]],
  })]);
  await store.commit([transition("odd", {
    history: events(2),
    finishedTasks: [task(4, "odd", "COMPLETED")],
  })]);
  assert.deepEqual((await listTasks(store.kv)).map((t) => t.id), [3, 4, 2, 1]);
  assert.deepEqual((await listTasks(store.kv, { status: "RUNNING" })).map((t) => t.id), [3]);
  assert.deepEqual((await listTasks(store.kv, { status: "FAILED" })).map((t) => t.id), [2]);
  assert.deepEqual((await listTasks(store.kv, { workflowId: "even" })).map((t) => t.id), [3, 2, 1]);
  assert.equal((await getTask(store.kv, 2))?.status, "FAILED");
  assert.equal((await getTask(store.kv, 3, "even"))?.status, "RUNNING");
  assert.equal(await getTask(store.kv, 99), undefined);
  assert.equal(await store.pruneTasks(1), 2);
  assert.deepEqual((await listTasks(store.kv)).map((t) => t.id), [3, 4]);
  assert.equal(
    (await queryLogs(store.kv, { workflowId: "even" }, { limit: 100 })).items[0]?.message,
    "hi",
  );
  assert.deepEqual(await store.dueTimers(1000), [[500, "even", 7]]);
  assert.deepEqual(await store.lastIds(), { event: 2, log: 1 });
});

storeTest("carries inbox requests and replies", async (store) => {
  await store.putInbox({
    id: "r1",
    createdAt: 1,
    kind: "cancel",
    workflowId: "w",
    reason: "why",
  });
  const [entry] = await store.readInbox(store.partitionOf("w"));
  assert.equal(entry?.request.id, "r1");
  assert.equal(await store.takeReply("r1"), undefined);
  await store.answerInbox(entry!.key, "r1", { ok: true });
  assert.deepEqual(await store.readInbox(store.partitionOf("w")), []);
  assert.equal((await store.takeReply("r1"))?.ok, true);
  assert.equal(await store.takeReply("r1"), undefined);
});

storeTest("checks the schema version: a newer file is refused", async (store, path) => {
  assert.equal((await store.kv.get(keys.schemaVersion())).value, SCHEMA_VERSION);
  await store.kv.set(keys.schemaVersion(), SCHEMA_VERSION + 1);
  await assert.rejects(
    store.ensureSchema(),
    (e: unknown) =>
      e instanceof SchemaMismatch &&
      e.message.includes(`KV file ${path} has schema version ${SCHEMA_VERSION + 1}`),
  );
  await store.kv.set(keys.schemaVersion(), "two");
  await assert.rejects(store.ensureSchema(), /unreadable schema version/);
});

storeTest(
  "the lease: taken when free, refused while renewed, taken over once lapsed",
  async (store) => {
    const claim = { ownerId: "a", partition: 0, ttlMs: 300, renewMs: 50 };
    const a = await acquireLease(store.kv, claim, "test");
    let held = a;
    const renewer = setInterval(async () => {
      held = (await renewLease(store.kv, held, 300, 0)) ?? held;
    }, 50);
    try {
      await assert.rejects(
        acquireLease(store.kv, { ...claim, ownerId: "b" }, "test"),
        (e: unknown) => e instanceof LeaseHeld && e.holder.ownerId === "a",
      );
    } finally {
      clearInterval(renewer);
    }
    const b = await acquireLease(store.kv, { ...claim, ownerId: "b" }, "test");
    assert.equal(b.record.epoch, a.record.epoch + 1);
    assert.equal(await renewLease(store.kv, held, 300, 0), undefined, "a lost it");
    await releaseLease(store.kv, b, 0);
    const c = await acquireLease(store.kv, { ...claim, ownerId: "c" }, "test");
    assert.equal(c.record.ownerId, "c");
  },
);
