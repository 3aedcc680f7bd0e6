import assert from "node:assert/strict";
import { connectKv, createEngine } from "../../../engine/mod.ts";
import {
  createApp,
  engineBackend,
  kvBackend,
  type SseMessage,
  startServer,
} from "../../../web/mod.ts";
import { StreamFlow } from "../../fixtures/hook_flows.ts";
import { tempDir } from "../../_helpers.ts";
import { apiFixture, connected, readUntil } from "../_helpers.ts";

const values = (messages: SseMessage[]) =>
  messages.filter((m) => m.event === "message").map((m) => [Number(m.id), JSON.parse(m.data)]);
const ended = (m: SseMessage) => m.event === "end";

Deno.test("a run's stream as SSE: each value with its index, live, then event: end", async () => {
  await using api = await apiFixture();
  const handle = await api.engine.start(StreamFlow, { n: 2, waitFinish: true }, {
    workflowId: "s1",
  });
  const res = await api.call("/api/workflows/s1/streams/progress");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reading = readUntil(await connected(res), ended);
  await handle.signal("finish", null);
  const messages = await reading;
  assert.deepEqual(values(messages), [[0, { i: 0 }], [1, { i: 1 }]]);
  assert.deepEqual(JSON.parse((messages.at(-1) as SseMessage).data), {
    id: "s1",
    stream: "progress",
    status: "COMPLETED",
  });
});

Deno.test("Last-Event-ID (or ?after=) resumes a run's stream after that index, nothing twice", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(StreamFlow, { n: 4 }, { workflowId: "s2" })).result();
  const header = await readUntil(
    await api.call("/api/workflows/s2/streams/progress", { headers: { "last-event-id": "1" } }),
    ended,
  );
  assert.deepEqual(values(header), [[2, { i: 2 }], [3, { i: 3 }]]);
  const query = await readUntil(
    await api.call("/api/workflows/s2/streams/progress?after=2"),
    ended,
  );
  assert.deepEqual(values(query), [[3, { i: 3 }]]);
  const past = await readUntil(
    await api.call("/api/workflows/s2/streams/progress?after=99"),
    ended,
  );
  assert.deepEqual(values(past), []);
});

Deno.test("bad stream names, bad positions and unknown runs are 4xx", async () => {
  await using api = await apiFixture();
  await api.engine.start(StreamFlow, { n: 0 }, { workflowId: "s3" });
  const cases: [string, Record<string, string>, number, RegExp][] = [
    ["/api/workflows/s3/streams/bad%20name", {}, 400, /path parameter "name": use letters/],
    [`/api/workflows/s3/streams/${"x".repeat(101)}`, {}, 400, /more than 100/],
    ["/api/workflows/s3/streams/progress", { "last-event-id": "-1" }, 400, /Last-Event-ID/],
    ["/api/workflows/s3/streams/progress?after=x", {}, 400, /query parameter "after"/],
    ["/api/workflows/nope/streams/progress", {}, 404, /Workflow "nope" not found/],
  ];
  for (const [path, headers, status, message] of cases) {
    const res = await api.call(path, { headers });
    assert.equal(res.status, status, path);
    assert.match((await res.json()).message, message, path);
  }
});

Deno.test("a reader (loom web) sends a run's stream from KV, within its poll interval", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await using client = await connectKv({ kvPath, pollIntervalMs: 10 });
  const backend = kvBackend(client, { pollIntervalMs: 20 });
  try {
    const app = createApp(backend);
    const handle = await engine.start(StreamFlow, { n: 1, waitFinish: true }, { workflowId: "w" });
    const reading = readUntil(
      await connected(await app.request("/api/workflows/w/streams/status")),
      ended,
    );
    await handle.signal("finish", null);
    assert.deepEqual(values(await reading), [[0, "done"]]);
  } finally {
    await backend.close();
  }
});

Deno.test("connect(): handle.stream() over HTTP reconnects with Last-Event-ID across a server restart", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  let engine = await createEngine({ kvPath, pollIntervalMs: 20, shutdownGraceMs: 100 });
  let server = await startServer(engineBackend(engine), { host: "127.0.0.1", port: 0 });
  const port = Number(new URL(server.url).port);
  const { connect } = await import("../../../main.ts");
  const loom = connect({ url: server.url });
  const handle = await loom.start("t_stream", { n: 2, gapMs: 10, waitFinish: true }, {
    workflowId: "over-http",
  });
  const got: unknown[] = [];
  const reading = (async () => {
    for await (const v of handle.stream("progress")) got.push(v);
  })();
  while (got.length < 2) await new Promise((r) => setTimeout(r, 10));
  // The server and its engine go away; the next ones listen on the same port.
  await server.close();
  await engine.close();
  engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  server = await startServer(engineBackend(engine), { host: "127.0.0.1", port });
  try {
    await handle.signal("finish", null);
    await reading;
    assert.deepEqual(got, [{ i: 0 }, { i: 1 }], "each value once, and the end");
    const status: unknown[] = [];
    for await (const v of loom.getHandle("over-http").stream("status")) status.push(v);
    assert.deepEqual(status, ["done"]);
  } finally {
    await server.close();
    await engine.close();
  }
});
