import assert from "node:assert/strict";
import {
  connectKv,
  type Engine,
  InvalidArgumentError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from "../../../engine/mod.ts";
import { engineTest, until } from "../../_helpers.ts";
import { HOOK_FLOWS_MODULE, StreamFlow } from "../../fixtures/hook_flows.ts";

const OPTIONS = { modules: [HOOK_FLOWS_MODULE] };

/** Reads a stream to its end in the background; `values` fills as they arrive. */
function collect(handle: WorkflowHandle<unknown>, name: string, after?: number) {
  const values: unknown[] = [];
  const done = (async () => {
    for await (const v of handle.stream(name, after === undefined ? {} : { after })) {
      values.push(v);
    }
  })();
  return { values, done };
}

async function streamedEvents(engine: Engine, id: string): Promise<number> {
  return (await engine.reader.eventsOf(id)).filter((e) => e.type === "STREAM_APPENDED").length;
}

engineTest(
  "handle.stream() gives what was written, then each value as it is written, and ends with the run",
  async (engine) => {
    const handle = await engine.start(StreamFlow, { n: 3, gapMs: 30, waitFinish: true });
    const live = collect(handle, "progress");
    // Written one by one (a durable sleep between), read by the reader that was there first.
    await until(() => live.values.length === 3, "the three values, live", 3000);
    assert.deepEqual(live.values, [{ i: 0 }, { i: 1 }, { i: 2 }]);
    assert.equal(await handle.status(), "RUNNING", "the run waits, so the reader does too");
    await handle.signal("finish", null);
    await live.done;
    assert.deepEqual(live.values, [{ i: 0 }, { i: 1 }, { i: 2 }], "nothing twice");
    const late = collect(handle, "progress", 0);
    await late.done;
    assert.deepEqual(late.values, [{ i: 1 }, { i: 2 }], "after: the last index the reader has");
    const status = collect(handle, "status");
    const never = collect(handle, "never-written");
    await Promise.all([status.done, never.done]);
    assert.deepEqual(status.values, ["done"]);
    assert.deepEqual(never.values, []);
    assert.equal(await streamedEvents(engine, handle.workflowId), 4);
  },
  OPTIONS,
);

engineTest("a stream longer than a page is read whole, in order", async (engine) => {
  const handle = await engine.start(StreamFlow, { n: 1200 });
  await handle.result();
  const all = collect(handle, "progress");
  await all.done;
  assert.equal(all.values.length, 1200);
  assert.deepEqual(all.values.at(-1), { i: 1199 });
  assert.ok(all.values.every((v, i) => (v as { i: number }).i === i));
}, OPTIONS);

engineTest(
  "a process that does not own the file reads a run's stream by polling",
  async (engine, { mode, kvPath }) => {
    if (mode === "memory") return; // another handle on :memory: is another database
    await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
    const handle = await engine.start(StreamFlow, { n: 2, gapMs: 20, waitFinish: true });
    const remote = collect(client.getHandle(handle.workflowId), "progress");
    await until(() => remote.values.length === 2, "both values, through KV");
    await handle.signal("finish", null);
    await remote.done;
    assert.deepEqual(remote.values, [{ i: 0 }, { i: 1 }]);
  },
  OPTIONS,
);

engineTest("reading a stream with a bad name or of an unknown run is refused", async (engine) => {
  const handle = await engine.start(StreamFlow, { n: 0 });
  const first = (name: string, id = handle.workflowId) =>
    engine.getHandle(id).stream(name)[Symbol.asyncIterator]().next();
  await assert.rejects(first("has space"), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /Invalid stream name "has space": use letters, digits/);
    return true;
  });
  await assert.rejects(first("x".repeat(101)), /more than 100/);
  await assert.rejects(first("progress", "no-such-run"), WorkflowNotFoundError);
}, OPTIONS);
