import assert from "node:assert/strict";
import {
  createEngine,
  EngineNotFoundError,
  InvalidArgumentError,
  InvalidPayloadError,
  setDefaultEngine,
  WorkflowAlreadyExistsError,
  WorkflowDefinitionNotFoundError,
  WorkflowNotFoundError,
  WorkflowStatus,
} from "../../../engine/mod.ts";
import { engineTest } from "../../_helpers.ts";
import {
  ClassFlow,
  SeqFlow,
  SignalFlow,
  VersionedV1,
  VersionedV110,
} from "../../fixtures/flows.ts";

engineTest("engine.start() runs a workflow to its final state", async (engine) => {
  const handle = await engine.start(SeqFlow, { n: 3, start: 10 });
  assert.deepEqual(await handle.result(), { total: 13 });
  assert.equal(await handle.status(), "COMPLETED");
});

engineTest("a decorated class runs its steps in declaration order", async (engine) => {
  const handle = await engine.start(ClassFlow, { x: 4 });
  assert.deepEqual(await handle.result(), { doubled: 8, plusOne: 9 });
  const events = await engine.reader.eventsOf(handle.workflowId);
  const steps = events.filter((e) => e.type === "STEP_START").map((e) =>
    (e.payload as { step_name: string; step_fn: string }).step_name
  );
  assert.deepEqual(steps, ["first", "second_step"]);
  const info = await handle.info();
  assert.equal(info.name, "t_class");
  assert.equal(info.description, "two steps");
  assert.deepEqual(info.input, { x: 4 });
  assert.equal(info.eventCount, events.length);
});

engineTest("start by name takes the newest registered version", async (engine) => {
  const handle = await engine.start("t_versioned", { wait: false });
  assert.deepEqual(await handle.result(), { version: "1.10.0" });
  const old = await engine.start("t_versioned", { wait: false }, { version: "1.0.0" });
  assert.deepEqual(await old.result(), { version: "1.0.0" });
  assert.equal((await old.info()).version, "1.0.0");
  const byDef = await engine.start(VersionedV1, { wait: false });
  assert.equal((await byDef.info()).version, "1.0.0");
  assert.equal(VersionedV110.version, "1.10.0");
});

engineTest("starting an existing id returns its handle; ifExists fail refuses", async (engine) => {
  const a = await engine.start(SignalFlow, {}, { workflowId: "same-id" });
  const b = await engine.start(SignalFlow, {}, { workflowId: "same-id" });
  assert.equal(a.workflowId, b.workflowId);
  await assert.rejects(
    engine.start(SignalFlow, {}, { workflowId: "same-id", ifExists: "fail" }),
    WorkflowAlreadyExistsError,
  );
  const concurrent = await Promise.all(
    [1, 2, 3].map(() => engine.start(SeqFlow, { n: 1 }, { workflowId: "racy" })),
  );
  assert.deepEqual(concurrent.map((h) => h.workflowId), ["racy", "racy", "racy"]);
  assert.equal((await engine.list({ workflow: "t_seq" })).items.length, 1);
  await a.signal("go", 1);
  assert.deepEqual(await a.result(), { received: [1], timedOut: false });
});

engineTest(
  "unknown names, versions and non-JSON input are refused and store nothing",
  async (engine) => {
    await assert.rejects(engine.start("no_such_flow", {}), WorkflowDefinitionNotFoundError);
    await assert.rejects(
      engine.start("t_versioned", {}, { version: "9.9.9" }),
      /for version "9\.9\.9"/,
    );
    await assert.rejects(
      engine.start(SeqFlow, { n: 1, when: new Date() }, { workflowId: "bad-input" }),
      (e: unknown) => e instanceof InvalidPayloadError && e.field === "input.when",
    );
    await assert.rejects(
      engine.start(SeqFlow, { n: 1, f: () => 1 }),
      /Payload field "input\.f" is not JSON: it is a function/,
    );
    await assert.rejects(engine.start(SeqFlow, { n: NaN }), /input\.n/);
    await assert.rejects(engine.start(class NotAFlow {}, {}), InvalidArgumentError);
    await assert.rejects(engine.start(SeqFlow, {}, { workflowId: "" }), InvalidArgumentError);
    assert.equal((await engine.list()).items.length, 0);
    await assert.rejects(engine.getHandle("bad-input").status(), WorkflowNotFoundError);
  },
);

engineTest("list() filters by status and name and pages with a cursor", async (engine) => {
  for (let i = 0; i < 5; i++) {
    await (await engine.start(SeqFlow, { n: 1 }, { workflowId: `done-${i}` })).result();
  }
  const waiting = await engine.start(SignalFlow, {}, { workflowId: "waiting" });
  const all = await engine.list();
  assert.equal(all.items.length, 6);
  assert.equal(all.items[0]?.workflowId, "waiting");
  const running = await engine.list({ status: WorkflowStatus.Running });
  assert.deepEqual(running.items.map((i) => i.workflowId), ["waiting"]);
  const page1 = await engine.list({ workflow: "t_seq", limit: 2 });
  assert.equal(page1.items.length, 2);
  assert.ok(page1.cursor);
  const page2 = await engine.list({ workflow: "t_seq", limit: 2, cursor: page1.cursor as string });
  const page3 = await engine.list({ workflow: "t_seq", limit: 2, cursor: page2.cursor as string });
  const ids = [...page1.items, ...page2.items, ...page3.items].map((i) => i.workflowId);
  assert.deepEqual(ids, ["done-4", "done-3", "done-2", "done-1", "done-0"]);
  assert.equal(page3.cursor, undefined);
  const both = await engine.list({ workflow: "t_seq", status: WorkflowStatus.Running });
  assert.equal(both.items.length, 0);
  await waiting.signal("go", null);
  await waiting.result();
});

Deno.test("Workflow.start() uses the only engine, or the chosen one, and names the problem otherwise", async () => {
  await assert.rejects(ClassFlow.start({ x: 1 }), EngineNotFoundError);
  const a = await createEngine({ kvPath: ":memory:" });
  try {
    const handle = await ClassFlow.start({ x: 2 });
    assert.deepEqual(await handle.result(), { doubled: 4, plusOne: 5 });
    const b = await createEngine({ kvPath: ":memory:" });
    try {
      await assert.rejects(SeqFlow.start({ n: 1 }), /Several engines/);
      setDefaultEngine(b);
      const onB = await SeqFlow.start({ n: 2 });
      assert.deepEqual(await b.getHandle(onB.workflowId).result(), { total: 2 });
      await assert.rejects(a.getHandle(onB.workflowId).status(), WorkflowNotFoundError);
    } finally {
      await b.close();
    }
  } finally {
    setDefaultEngine(undefined);
    await a.close();
  }
  await assert.rejects(ClassFlow.start({ x: 1 }), EngineNotFoundError);
});
