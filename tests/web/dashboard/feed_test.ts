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
      controller.abort();
      assert.equal(all.length, 5, "every open page got the change");
      if (name === "owner") assert.equal(polls, 0, "the owner's feed reads no KV per client");
      else {
        // ~300 ms at one read per 25 ms for the one loop: five loops would make five times as many.
        assert.ok(polls > 0 && polls <= 16, `the reader polled ${polls} times for 5 clients`);
      }
    }
  } finally {
    await reader.close();
  }
});
