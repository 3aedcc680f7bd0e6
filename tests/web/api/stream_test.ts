import assert from "node:assert/strict";
import type { SseMessage } from "../../../web/mod.ts";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";
import { textDecoder } from "../../_helpers.ts";
import { apiFixture, connected, readUntil } from "../_helpers.ts";

const events = (messages: SseMessage[]) => messages.filter((m) => m.event === "message");
const ids = (messages: SseMessage[]) => events(messages).map((m) => Number(m.id));

Deno.test("the live feed sends each event with its global id, then the run's status", async () => {
  await using api = await apiFixture();
  const res = await api.call("/api/events/stream");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const reading = readUntil(
    await connected(res),
    (m) => m.event === "run" && JSON.parse(m.data).status === "COMPLETED",
  );
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "live" })).result();
  const messages = await reading;
  const stored = await api.engine.reader.eventsOf("live");
  assert.deepEqual(ids(messages), stored.map((e) => e.id));
  const first = JSON.parse((events(messages)[0] as SseMessage).data);
  assert.equal(first.type, "WORKFLOW_STARTED");
  assert.equal(first.workflow_id, "live");
  assert.equal(first.workflow_name, "t_class");
  const runs = messages.filter((m) => m.event === "run").map((m) => JSON.parse(m.data));
  assert.equal(runs.at(-1).id, "live");
  assert.equal(runs.at(-1).status, "COMPLETED");
});

Deno.test("Last-Event-ID resumes after that id: events made while disconnected arrive once, in order", async () => {
  await using api = await apiFixture();
  const handle = await api.engine.start(SignalFlow, { count: 2 }, { workflowId: "sig" });
  const first = await readUntil(
    await api.call("/api/events/stream?after=0"),
    (_, all) => events(all).length >= 3,
  );
  const lastSeen = ids(first).at(-1) as number;
  // While no client is connected, the run goes on.
  await handle.signal("go", 1);
  await handle.signal("go", 2);
  await handle.result();
  const all = await api.engine.reader.eventsOf("sig");
  const resumed = await readUntil(
    await api.call("/api/events/stream", { headers: { "last-event-id": String(lastSeen) } }),
    (_, got) => ids(got).length >= all.filter((e) => e.id > lastSeen).length,
  );
  assert.deepEqual([...ids(first), ...ids(resumed)], all.map((e) => e.id));
});

Deno.test("a resumed feed replays, then continues live without a gap or a repeat", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "before" })).result();
  const stored = await api.engine.reader.eventsOf("before");
  const middle = (stored[4] as { id: number }).id;
  const res = await api.call(`/api/events/stream?after=${middle}`);
  const reading = readUntil(res, (m) =>
    m.event === "run" && JSON.parse(m.data).id === "after" &&
    JSON.parse(m.data).status === "COMPLETED");
  await (await api.engine.start(ClassFlow, { x: 2 }, { workflowId: "after" })).result();
  const messages = await reading;
  const expected = [
    ...stored.filter((e) => e.id > middle),
    ...await api.engine.reader.eventsOf("after"),
  ].map((e) => e.id);
  assert.deepEqual(ids(messages), expected);
});

Deno.test("one run's feed: history after an id, live events, and `end` once the run ends", async () => {
  await using api = await apiFixture();
  const handle = await api.engine.start(SignalFlow, {}, { workflowId: "one" });
  await api.engine.start(SignalFlow, {}, { workflowId: "other" });
  const res = await api.call("/api/workflows/one/events/stream?after=0");
  const reading = readUntil(res, () => false);
  await api.engine.getHandle("other").signal("go", "x");
  await handle.signal("go", "y");
  await handle.result();
  const messages = await reading;
  assert.equal(messages.at(-1)?.event, "end", "the stream ends by itself");
  assert.deepEqual(JSON.parse(messages.at(-1)?.data ?? "{}"), { id: "one", status: "COMPLETED" });
  assert.deepEqual(ids(messages), (await api.engine.reader.eventsOf("one")).map((e) => e.id));
  for (const m of events(messages)) assert.equal(JSON.parse(m.data).workflow_id, "one");
  const ended = await readUntil(await api.call("/api/workflows/one/events/stream"), () => false);
  assert.deepEqual(
    ended.map((m) => m.event),
    ["run", "end"],
    "an ended run's live feed ends at once",
  );
  const missing = await api.call("/api/workflows/nope/events/stream");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("idle feeds send heartbeats; the app's signal ends open feeds", async () => {
  const controller = new AbortController();
  await using api = await apiFixture({ heartbeatMs: 20, signal: controller.signal });
  const res = await api.call("/api/events/stream");
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(textDecoder()).getReader();
  let text = "";
  while (!text.includes(": heartbeat\n\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  assert.match(text, /^retry: 2000\n/);
  assert.match(text, /: heartbeat\n\n/);
  controller.abort();
  while (true) {
    const { done } = await reader.read();
    if (done) break;
  }
});
