import assert from "node:assert/strict";
import { createEngine } from "../../engine/mod.ts";
import { engineBackend, readSse, type SseMessage, startServer } from "../../web/mod.ts";
import "../fixtures/flows.ts";
import { tempDir } from "../_helpers.ts";

Deno.test("over a real loopback server: start a run, signal it, receive its events over SSE, get the result", async () => {
  await using dir = await tempDir();
  await using engine = await createEngine({ kvPath: `${dir.path}/loom.kv`, shutdownGraceMs: 200 });
  await using server = await startServer(engineBackend(engine), { port: 0, token: "t0ken" });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const auth = { authorization: "Bearer t0ken" };

  const started = await fetch(`${server.url}/api/workflows`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "t_signal", input: { count: 1 }, workflow_id: "e2e" }),
  });
  assert.equal(started.status, 201);
  assert.equal((await started.json()).workflow.status, "RUNNING");

  // EventSource cannot send headers: the token goes in the query; after=0 replays from the start.
  const controller = new AbortController();
  const stream = await fetch(`${server.url}/api/workflows/e2e/events/stream?after=0&token=t0ken`, {
    signal: controller.signal,
  });
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get("content-type"), "text/event-stream");
  const messages: SseMessage[] = [];
  const reading = (async () => {
    for await (const m of readSse(stream.body as ReadableStream<Uint8Array>)) {
      messages.push(m);
      if (m.event === "end") return;
    }
  })();

  const signalled = await fetch(`${server.url}/api/workflows/e2e/signal`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: "go", data: { approved: true } }),
  });
  assert.equal(signalled.status, 200);
  await signalled.body?.cancel();

  const result = await fetch(`${server.url}/api/workflows/e2e/result?wait=true`, { headers: auth });
  assert.deepEqual(await result.json(), {
    workflow_id: "e2e",
    status: "COMPLETED",
    done: true,
    result: { received: [{ approved: true }], timedOut: false },
  });

  await reading;
  controller.abort();
  const types = messages.filter((m) => m.event === "message").map((m) => JSON.parse(m.data).type);
  assert.deepEqual(types, [
    "WORKFLOW_STARTED",
    "STEP_START",
    "SIGNAL_WAITING",
    "SIGNAL_RECEIVED",
    "STATE_SET",
    "STATE_SET",
    "STEP_END",
    "WORKFLOW_COMPLETED",
  ]);
  const ids = messages.filter((m) => m.event === "message").map((m) => Number(m.id));
  assert.deepEqual(ids, (await engine.reader.eventsOf("e2e")).map((e) => e.id));
  assert.deepEqual(JSON.parse(messages.at(-1)?.data ?? "{}"), { id: "e2e", status: "COMPLETED" });
});

Deno.test("closing the server ends open live feeds", async () => {
  await using engine = await createEngine({ kvPath: ":memory:" });
  const server = await startServer(engineBackend(engine), { port: 0, heartbeatMs: 60_000 });
  const stream = await fetch(`${server.url}/api/events/stream`);
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await server.close();
  await server.finished;
  while (!(await reader.read()).done) {
    // drain until the server ends the stream
  }
});
