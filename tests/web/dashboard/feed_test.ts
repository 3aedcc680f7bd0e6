import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import { createApp, engineBackend, kvBackend } from "../../../web/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { tempDir } from "../../_helpers.ts";
import { readUntil } from "../_helpers.ts";

/** Counts the calls of a reader's `queryEvents` (the read a polling feed makes). */
function countReads(reader: { queryEvents: (...args: never[]) => unknown }): () => number {
  let n = 0;
  const original = reader.queryEvents.bind(reader);
  reader.queryEvents = ((...args: never[]) => {
    n++;
    return original(...args);
  }) as typeof reader.queryEvents;
  return () => n;
}

Deno.test("one feed per server: open pages share the owner's in-memory feed, and a reader's single poll loop", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20, shutdownGraceMs: 200 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const reader = kvBackend(client, { pollIntervalMs: 25 });
  try {
    for (
      const [name, app, reads] of [
        ["owner", createApp(engineBackend(engine)), countReads(engine.reader)],
        ["reader", createApp(reader), countReads(client.reader)],
      ] as const
    ) {
      const controller = new AbortController();
      const streams = await Promise.all(
        [1, 2, 3, 4, 5].map(() => app.request("/api/events/stream", { signal: controller.signal })),
      );
      const before = reads();
      const since = Date.now();
      const id = `${name}-run`;
      const got = Promise.all(
        streams.map((res) =>
          readUntil(res, (m) => m.event === "run" && JSON.parse(m.data).id === id)
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      await engine.start(SignalFlow, {}, { workflowId: id });
      const all = await got;
      await new Promise((r) => setTimeout(r, 200));
      const polls = reads() - before;
      const elapsed = Date.now() - since;
      controller.abort();
      assert.equal(all.length, 5, "every open page got the change");
      if (name === "owner") assert.equal(polls, 0, "the owner's feed reads no KV per client");
      else {
        // One loop reads once per 25 ms of the time that passed (more under load, when the change
        // takes longer to arrive); five loops, one per client, would read five times as often.
        const oneLoop = elapsed / 25 + 2;
        assert.ok(
          polls > 0 && polls <= 2 * oneLoop,
          `the reader polled ${polls} times in ${elapsed} ms for 5 clients`,
        );
      }
    }
  } finally {
    await reader.close();
  }
});

Deno.test("the owner's feed holds one engine subscription however many streams are open, and none once they close", async () => {
  await using engine = await createEngine({ kvPath: ":memory:", pollIntervalMs: 20 });
  let open = 0;
  let made = 0;
  let most = 0;
  const subscribe = engine.subscribe.bind(engine);
  engine.subscribe = (listener) => {
    made++;
    most = Math.max(most, ++open);
    const off = subscribe(listener);
    return () => {
      open--;
      off();
    };
  };
  const app = createApp(engineBackend(engine));
  const controller = new AbortController();
  const streams = await Promise.all(
    Array.from(
      { length: 8 },
      () => app.request("/api/events/stream", { signal: controller.signal }),
    ),
  );
  const got = Promise.all(
    streams.map((res) =>
      readUntil(res, (m) => m.event === "run" && JSON.parse(m.data).id === "one")
    ),
  );
  await new Promise((r) => setTimeout(r, 100));
  await engine.start(SignalFlow, {}, { workflowId: "one" });
  assert.equal((await got).length, 8, "every stream got the change");
  assert.equal(made, 1, "one subscription for eight streams");
  assert.equal(most, 1);
  controller.abort();
  for (const res of streams) await res.body?.cancel().catch(() => {});
  for (let i = 0; i < 50 && open > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(open, 0, "given up when the last stream closed");
});
