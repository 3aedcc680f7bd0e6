import assert from "node:assert/strict";
import {
  connectKv,
  createEngine,
  WorkflowDefinitionNotFoundError,
  WorkflowNotRunningError,
} from "../../../engine/mod.ts";
import { KvStore } from "../../../store/mod.ts";
import { queuelessKv, tempDir } from "../../_helpers.ts";
import { SeqFlow, SignalFlow, SleepFlow } from "../../fixtures/flows.ts";

Deno.test("a process that does not own the file starts, signals and cancels through the inbox", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const seq = await client.start(SeqFlow, { n: 2 });
  assert.deepEqual(await seq.result(), { total: 2 });
  const waiting = await client.start("t_signal", {}, { workflowId: "inbox-signal" });
  await waiting.signal("go", "via inbox");
  assert.deepEqual(await waiting.result(), { received: ["via inbox"], timedOut: false });
  await assert.rejects(waiting.signal("go", 1), WorkflowNotRunningError);
  await assert.rejects(client.start("missing_flow", {}), WorkflowDefinitionNotFoundError);
  const doomed = await client.start(SignalFlow, {});
  await doomed.cancel("from the client");
  assert.equal(await doomed.status(), "CANCELLED");
  assert.equal((await client.list({ status: "COMPLETED" })).items.length, 2);
  assert.equal((await engine.reader.countRecords()).inbox, 0);
});

Deno.test("without an owner the client says so, and queues the start instead of failing", async () => {
  await using dir = await tempDir();
  await using client = await connectKv({ kvPath: `${dir.path}/loom.kv` });
  assert.equal(await client.owned(), false);
  const handle = await client.start(SeqFlow, { n: 1 });
  assert.equal(handle.created, true);
  assert.equal(await handle.status(), "RUNNING");
});

Deno.test("on KV without queues, the engine finds it out and fires timers from the polled timer index", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const raw = await Deno.openKv(kvPath);
  const kv = queuelessKv(raw);
  try {
    await assert.rejects(kv.enqueue("x"), /not supported in KV Connect/);
    assert.throws(() => kv.atomic().enqueue("x"), /not supported in KV Connect/);
    const first = await createEngine({ kv, pollIntervalMs: 20 });
    const handle = await first.start(SleepFlow, { ms: 100 }, { workflowId: "polled" });
    assert.equal((await raw.get(["owner", 0])).value !== null, true);
    const timers = await new KvStore(kv, "test").dueTimers(Date.now() + 10_000);
    assert.equal(timers.length, 1, "the timer is in the index");
    await first.close();
    const second = await createEngine({ kv, pollIntervalMs: 20 });
    try {
      const state = await second.getHandle<{ before: number; after: number }>("polled").result();
      assert.ok(state.after - state.before >= 200);
      assert.equal((await new KvStore(kv, "test").dueTimers(Date.now() + 10_000)).length, 0);
      assert.equal(handle.workflowId, "polled");
    } finally {
      await second.close();
    }
  } finally {
    raw.close();
  }
});
