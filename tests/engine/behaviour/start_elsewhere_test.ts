import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import { createRun } from "../../../store/mod.ts";
import { tempDir, until } from "../../_helpers.ts";
import { SeqFlow, SignalFlow } from "../../fixtures/flows.ts";

Deno.test("while no process owns the file, starts, signals and cancels are queued and carried out by the next owner", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  {
    await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
    assert.equal(await client.owned(), false);
    const started = await client.start(SeqFlow, { n: 3 }, { workflowId: "queued-seq" });
    assert.equal(started.created, true);
    assert.equal(
      (await client.start(SeqFlow, { n: 3 }, { workflowId: "queued-seq" })).created,
      false,
    );
    await client.start("t_signal", {}, { workflowId: "queued-signal" });
    await client.getHandle("queued-signal").signal("go", "hello");
    await client.start("t_signal", {}, { workflowId: "queued-cancel" });
    await client.getHandle("queued-cancel").cancel("not needed");
    assert.equal(await client.getHandle("queued-seq").status(), "RUNNING");
  }
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  assert.deepEqual(await engine.getHandle("queued-seq").result(), { total: 3 });
  assert.deepEqual((await engine.getHandle("queued-signal").result()).received, ["hello"]);
  await assert.rejects(engine.getHandle("queued-cancel").result());
  assert.equal(await engine.getHandle("queued-cancel").status(), "CANCELLED");
  const info = await engine.getHandle("queued-signal").info();
  assert.equal(info.version, "1.0.0", "the definition's version, resolved where the run started");
});

Deno.test("a live owner takes on a run whose record another process wrote, and signals reach it", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 30 });
  const kv = await Deno.openKv(kvPath);
  try {
    const record = (id: string, name: string) => ({
      id,
      name,
      version: "",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: Date.now(),
      updatedAt: Date.now(),
      entries: 0,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    });
    assert.equal(await createRun(kv, record("elsewhere", "t_seq"), { n: 2 }), true);
    assert.equal(await createRun(kv, record("elsewhere", "t_seq"), { n: 2 }), false);
    assert.deepEqual(await engine.getHandle("elsewhere").result(), { total: 2 });
    // A signal that names such a run before the owner polled takes it on at once.
    assert.equal(await createRun(kv, record("signalled", "t_signal"), {}), true);
    await engine.getHandle("signalled").signal("go", 7);
    assert.deepEqual((await engine.getHandle("signalled").result()).received, [7]);
    await until(async () => {
      for await (const _ of kv.list({ prefix: ["pending"] })) return false;
      return true;
    }, "the pending-start markers cleared");
  } finally {
    kv.close();
  }
});

Deno.test("an owner that restarts takes on runs written while it was down", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  {
    await using engine = await createEngine({ kvPath });
    await engine.start(SignalFlow, {}, { workflowId: "before" });
  }
  {
    await using client = await connectKv({ kvPath });
    await client.start(SeqFlow, { n: 1 }, { workflowId: "while-down" });
  }
  await using engine = await createEngine({ kvPath });
  assert.deepEqual(await engine.getHandle("while-down").result(), { total: 1 });
  await engine.getHandle("before").signal("go", 1);
  assert.deepEqual((await engine.getHandle("before").result()).received, [1]);
});
