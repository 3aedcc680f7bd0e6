import assert from "node:assert/strict";
import { connectKv, createEngine, type Engine, type KvClient } from "../../engine/mod.ts";
import { type App, createApp, type FeedChange, kvBackend, PollingFeed } from "../../web/mod.ts";
import { ClassFlow, SignalFlow } from "../fixtures/flows.ts";
import { tempDir, until } from "../_helpers.ts";
import { connected, readUntil } from "./_helpers.ts";

/** An owner engine on a temp file, and the API of a reader process on the same file. */
async function withReader(
  fn: (ctx: { engine: Engine; client: KvClient; app: App }) => Promise<void>,
): Promise<void> {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20, shutdownGraceMs: 200 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const backend = kvBackend(client, { pollIntervalMs: 20 });
  try {
    await fn({ engine, client, app: createApp(backend) });
  } finally {
    await backend.close();
  }
}

const post = (app: App, path: string, body: unknown) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

Deno.test("a reader's API reads the owner's runs from KV and acts through the owner's inbox", () =>
  withReader(async ({ engine, app }) => {
    await (await engine.start(ClassFlow, { x: 1 }, { workflowId: "owned" })).result();
    const list = await (await app.request("/api/workflows")).json();
    assert.deepEqual(list.data.map((w: { id: string }) => w.id), ["owned"]);
    const started = await post(app, "/api/workflows", {
      name: "t_signal",
      input: {},
      workflow_id: "via-reader",
    });
    assert.equal(started.status, 201);
    assert.equal((await started.json()).workflow.id, "via-reader");
    assert.equal(await engine.getHandle("via-reader").status(), "RUNNING", "the owner runs it");
    const waiting = app.request("/api/workflows/via-reader/result?wait=true");
    const signalled = await post(app, "/api/workflows/via-reader/signal", { name: "go", data: 3 });
    assert.equal(signalled.status, 200);
    const result = await (await waiting).json();
    assert.deepEqual(result.result, { received: [3], timedOut: false });
    const late = await post(app, "/api/workflows/via-reader/signal", { name: "go" });
    assert.equal(late.status, 409, "the owner's error comes back with its code");
    assert.equal((await late.json()).code, "WORKFLOW_NOT_RUNNING");
    const unknown = await post(app, "/api/workflows", { name: "nope" });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const stats = await (await app.request("/api/stats")).json();
    assert.equal(stats.live.source, "reader");
    assert.equal(stats.workflows.completed, 2);
  }));

Deno.test("a reader's live feed polls KV: live events, and Last-Event-ID resume", () =>
  withReader(async ({ engine, app }) => {
    const res = await connected(await app.request("/api/events/stream"));
    const reading = readUntil(
      res,
      (m) => m.event === "run" && JSON.parse(m.data).status === "COMPLETED",
    );
    await (await engine.start(ClassFlow, { x: 1 }, { workflowId: "polled" })).result();
    const messages = await reading;
    const stored = (await engine.reader.eventsOf("polled")).map((e) => e.id);
    const got = messages.filter((m) => m.event === "message").map((m) => Number(m.id));
    assert.deepEqual(got, stored);
    const resumed = await readUntil(
      await app.request("/api/events/stream", {
        headers: { "last-event-id": String(stored[2]) },
      }),
      (_, all) => all.filter((m) => m.event === "message").length >= stored.length - 3,
    );
    assert.deepEqual(
      resumed.filter((m) => m.event === "message").map((m) => Number(m.id)),
      stored.slice(3),
    );
  }));

Deno.test("PollingFeed delivers each change once, in order, and stops polling without listeners", async () => {
  await using dir = await tempDir();
  await using engine = await createEngine({ kvPath: `${dir.path}/loom.kv` });
  const feed = new PollingFeed(engine.reader, 10);
  const changes: FeedChange[] = [];
  const unsubscribe = await feed.subscribe((c) => changes.push(c));
  const h = await engine.start(SignalFlow, {}, { workflowId: "f" });
  await h.signal("go", 1);
  await h.result();
  const stored = (await engine.reader.eventsOf("f")).map((e) => e.id);
  await until(() => changes.flatMap((c) => c.events).length === stored.length, "all events");
  assert.deepEqual(changes.flatMap((c) => c.events.map((e) => e.id)), stored);
  assert.equal(changes.at(-1)?.status, "COMPLETED");
  assert.equal(changes.at(-1)?.name, "t_signal");
  unsubscribe();
  // No close(): the test's leak check fails if the feed still has a timer armed.
  await new Promise((r) => setTimeout(r, 30));
});

Deno.test("PollingFeed announces a run's end with the events that end it, not with earlier ones read late", async () => {
  await using dir = await tempDir();
  await using engine = await createEngine({ kvPath: `${dir.path}/loom.kv` });
  const feed = new PollingFeed(engine.reader, 150);
  const changes: FeedChange[] = [];
  const unsubscribe = await feed.subscribe((c) => changes.push(c));
  try {
    // Two runs whose events interleave (b starts before a is signalled), all landing before the
    // first poll: when the feed reads a's first events, a's record already says COMPLETED.
    const a = await engine.start(SignalFlow, {}, { workflowId: "a" });
    const b = await engine.start(SignalFlow, {}, { workflowId: "b" });
    await a.signal("go", 1);
    await a.result();
    await b.signal("go", 2);
    await b.result();
    const stored = (await engine.reader.eventsOf("a")).length +
      (await engine.reader.eventsOf("b")).length;
    await until(() => changes.flatMap((c) => c.events).length === stored, "all events");
    for (const id of ["a", "b"]) {
      const mine = changes.filter((c) => c.workflowId === id);
      assert.ok(mine.length > 1, `${id}'s events came in more than one group`);
      for (const c of mine.slice(0, -1)) {
        assert.equal(
          c.status,
          "RUNNING",
          JSON.stringify(c.events.map((e) => e.type)),
        );
      }
      assert.equal(mine.at(-1)?.status, "COMPLETED");
      assert.equal(mine.at(-1)?.events.at(-1)?.type, "WORKFLOW_COMPLETED");
    }
  } finally {
    unsubscribe();
    await feed.close();
  }
});
