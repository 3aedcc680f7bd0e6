import assert from "node:assert/strict";
import { ErrorCode } from "../../../engine/mod.ts";
import { statusOf } from "../../../web/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { apiFixture } from "../_helpers.ts";

async function runCount(api: Awaited<ReturnType<typeof apiFixture>>): Promise<number> {
  return (await api.engine.list({ limit: 1000 })).items.length;
}

Deno.test("a malformed JSON body is 400 MALFORMED_BODY and writes nothing", async () => {
  await using api = await apiFixture();
  const res = await api.json("/api/workflows", { body: '{"name": "t_signal",' });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, { code: "MALFORMED_BODY", message: "Malformed JSON in request body" });
  assert.equal(await runCount(api), 0);
});

Deno.test("a body that breaks the schema is 400 naming the field; unknown fields are refused", async () => {
  await using api = await apiFixture();
  const missing = await api.json<{ code: string; message: string }>("/api/workflows", {
    body: { input: {} },
  });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.code, "INVALID_REQUEST");
  assert.match(missing.body.message, /body "name"/);
  const extra = await api.json<{ message: string }>("/api/workflows", {
    body: { name: "t_signal", colour: "red" },
  });
  assert.equal(extra.status, 400);
  assert.match(extra.body.message, /colour/);
  const notJson = await api.json("/api/workflows", {
    body: "name=t_signal",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(notJson.status, 415);
  assert.equal(notJson.body.code, "UNSUPPORTED_MEDIA_TYPE");
  assert.equal(await runCount(api), 0);
});

Deno.test("an unknown workflow name is 404 DEFINITION_NOT_FOUND naming it", async () => {
  await using api = await apiFixture();
  const res = await api.json("/api/workflows", { body: { name: "no_such_flow", input: 1 } });
  assert.equal(res.status, 404);
  assert.equal(res.body.code, "DEFINITION_NOT_FOUND");
  assert.match(String(res.body.message), /"no_such_flow"/);
  const version = await api.json("/api/workflows", { body: { name: "t_signal", version: "9" } });
  assert.equal(version.status, 404);
  assert.match(String(version.body.message), /version "9"/);
  assert.equal(await runCount(api), 0);
});

Deno.test("a bad cursor is 400 INVALID_CURSOR, also one made for other filters", async () => {
  await using api = await apiFixture();
  for (let i = 0; i < 3; i++) await api.engine.start(SignalFlow, {}, { workflowId: `r${i}` });
  const garbage = await api.json("/api/workflows?cursor=not-a-cursor");
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body.code, "INVALID_CURSOR");
  const page = await api.json<{ meta: { next_cursor: string } }>("/api/workflows?per_page=1");
  const cursor = page.body.meta.next_cursor;
  assert.equal((await api.json(`/api/workflows?per_page=1&cursor=${cursor}`)).status, 200);
  const other = await api.json(`/api/workflows?per_page=1&status=FAILED&cursor=${cursor}`);
  assert.equal(other.status, 400);
  assert.match(String(other.body.message), /different query/);
  const both = await api.json(`/api/workflows?page=2&cursor=${cursor}`);
  assert.equal(both.status, 400);
  const sorted = await api.json(`/api/workflows?sort_by=name&cursor=${cursor}`);
  assert.equal(sorted.status, 400);
});

Deno.test("a body over the limit is 413 BODY_TOO_LARGE and nothing is written", async () => {
  await using api = await apiFixture({ maxBody: 1024 });
  const big = { name: "t_signal", input: { blob: "x".repeat(2000) }, workflow_id: "big" };
  const res = await api.json("/api/workflows", { body: big });
  assert.equal(res.status, 413);
  assert.deepEqual(res.body, {
    code: "BODY_TOO_LARGE",
    message: "Request body is larger than the limit of 1024 bytes",
  });
  const chunked = await api.app.request("/api/workflows", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new Blob([JSON.stringify(big)]).stream(),
  });
  assert.equal(chunked.status, 413, "also without a content-length");
  assert.equal(await api.engine.reader.run("big"), undefined);
  const small = await api.json("/api/workflows", { body: { name: "t_signal", input: {} } });
  assert.equal(small.status, 201);
});

Deno.test("bad query parameters are 400 naming the parameter", async () => {
  await using api = await apiFixture();
  const cases: [string, RegExp][] = [
    ["/api/workflows?per_page=0", /"per_page"/],
    ["/api/workflows?per_page=5000", /"per_page"/],
    ["/api/workflows?page=zero", /"page"/],
    ["/api/workflows?status=DONE", /"status"/],
    ["/api/workflows?started_after=yesterday", /"started_after"/],
    ["/api/events?since=2026-13-45", /"since"/],
    ["/api/events?sort_by=payload", /"sort_by"/],
    ["/api/logs?level=TRACE", /"level"/],
    ["/api/stats?minutes=1000", /"minutes"/],
  ];
  for (const [path, name] of cases) {
    const res = await api.json<{ code: string; message: string }>(path);
    assert.equal(res.status, 400, path);
    assert.equal(res.body.code, "INVALID_REQUEST", path);
    assert.match(res.body.message, name, path);
  }
  const stream = await api.json<{ message: string }>("/api/events/stream", {
    headers: { "last-event-id": "abc" },
  });
  assert.equal(stream.status, 400);
  assert.match(stream.body.message, /Last-Event-ID/);
});

Deno.test("unknown routes are 404 ROUTE_NOT_FOUND; every error code maps to a status", async () => {
  await using api = await apiFixture();
  const res = await api.json("/api/nothing");
  assert.equal(res.status, 404);
  assert.equal(res.body.code, "ROUTE_NOT_FOUND");
  assert.equal(statusOf(ErrorCode.WorkflowNotFound), 404);
  assert.equal(statusOf(ErrorCode.WorkflowNotRunning), 409);
  assert.equal(statusOf(ErrorCode.InvalidPayload), 400);
  assert.equal(statusOf(ErrorCode.EngineClosed), 503);
  assert.equal(statusOf(ErrorCode.NonDeterministic), 500);
  for (const code of Object.values(ErrorCode)) {
    const s = statusOf(code);
    assert.ok(s >= 400 && s < 600, code);
  }
});

Deno.test("a signal whose data is not JSON-compatible is refused before anything is written", async () => {
  await using api = await apiFixture();
  await api.engine.start(SignalFlow, {}, { workflowId: "s" });
  const before = (await api.engine.reader.eventsOf("s")).length;
  const res = await api.json("/api/workflows/s/signal", { body: { data: 1 } });
  assert.equal(res.status, 400);
  assert.equal((await api.engine.reader.eventsOf("s")).length, before);
});
