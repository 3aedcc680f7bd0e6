import assert from "node:assert/strict";
import {
  connectKv,
  createEngine,
  InvalidArgumentError,
  ScheduleAlreadyExistsError,
  ScheduleNotFoundError,
  WorkflowDefinitionNotFoundError,
} from "../../../engine/mod.ts";
import { connect, createApp, engineBackend, kvBackend, startServer } from "../../../web/mod.ts";
import { tempDir, until } from "../../_helpers.ts";
import { apiFixture } from "../_helpers.ts";
import { SeqFlow } from "../../fixtures/flows.ts";
import { fired, TestClock } from "../../engine/behaviour/_schedules.ts";

Deno.test("HTTP: POST/GET /api/schedules, GET/DELETE /api/schedules/{id}, trigger, pause, resume", async () => {
  const clock = new TestClock();
  await using api = await apiFixture({}, { scheduleClock: clock.read });
  const created = await api.json("/api/schedules", {
    body: { id: "hourly", cron: "0 * * * *", workflow: "t_seq", input: { n: 1 } },
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.next_fire_at, "2025-01-01T11:00:00.000Z");
  assert.equal(created.body.overlap, "skip");
  assert.equal(created.body.catchup, "one");
  assert.equal(created.body.timezone, "UTC");
  assert.equal(created.body.paused, false);
  const list = await api.json<{ data: { id: string }[] }>("/api/schedules");
  assert.deepEqual(list.body.data.map((s) => s.id), ["hourly"]);
  const one = await api.json("/api/schedules/hourly");
  assert.equal(one.status, 200);
  assert.equal(one.body.workflow, "t_seq");
  const paused = await api.json("/api/schedules/hourly/pause", { method: "POST" });
  assert.equal(paused.body.paused, true);
  assert.equal(paused.body.next_fire_at, null);
  const triggered = await api.json("/api/schedules/hourly/trigger", { method: "POST" });
  assert.equal(triggered.status, 201);
  assert.equal(triggered.body.workflow_id, "hourly@2025-01-01T10:00:30.000Z");
  assert.equal(triggered.body.created, true);
  assert.deepEqual(await api.engine.getHandle(triggered.body.workflow_id as string).result(), {
    total: 1,
  });
  const resumed = await api.json("/api/schedules/hourly/resume", { method: "POST" });
  assert.equal(resumed.body.paused, false);
  assert.equal(resumed.body.next_fire_at, "2025-01-01T11:00:00.000Z");
  assert.equal(resumed.body.last_run_id, triggered.body.workflow_id);
  const deleted = await api.json("/api/schedules/hourly", { method: "DELETE" });
  assert.deepEqual(deleted, { status: 200, body: { id: "hourly", deleted: true } });
  const gone = await api.json("/api/schedules/hourly");
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, "SCHEDULE_NOT_FOUND");
  for (const action of ["trigger", "pause", "resume"]) {
    const res = await api.json(`/api/schedules/hourly/${action}`, { method: "POST" });
    assert.equal(res.status, 404, action);
  }
  assert.equal((await api.json("/api/schedules/hourly", { method: "DELETE" })).status, 404);
});

Deno.test("HTTP: bad schedules get a 4xx naming the problem, and nothing is stored", async () => {
  await using api = await apiFixture();
  const ok = { id: "s", cron: "*/5 * * * *", workflow: "t_seq" };
  assert.equal((await api.json("/api/schedules", { body: ok })).status, 201);
  const cases: [Record<string, unknown>, number, string, RegExp][] = [
    [{ ...ok, id: "c", cron: "*/5 * * * * *" }, 400, "INVALID_ARGUMENT", /it has 6 fields/],
    [{ ...ok, id: "c", cron: "0 0 * * 9" }, 400, "INVALID_ARGUMENT", /day-of-week field "9"/],
    [{ ...ok, id: "w", workflow: "nope" }, 404, "DEFINITION_NOT_FOUND", /"nope"/],
    [ok, 409, "SCHEDULE_ALREADY_EXISTS", /Schedule "s" already exists/],
    [{ ...ok, id: "t", timezone: "Atlantis/Capital" }, 400, "INVALID_ARGUMENT", /timezone/],
    [{ ...ok, id: "o", overlap: "queue" }, 400, "INVALID_REQUEST", /"overlap"/],
    [{ ...ok, id: "u", catchup: "some" }, 400, "INVALID_REQUEST", /"catchup"/],
    [{ ...ok, id: "x", extra: 1 }, 400, "INVALID_REQUEST", /extra/],
    [{ id: "m", workflow: "t_seq" }, 400, "INVALID_REQUEST", /"cron"/],
  ];
  for (const [body, status, code, message] of cases) {
    const res = await api.json<{ code: string; message: string; details?: { field?: string } }>(
      "/api/schedules",
      { body },
    );
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(res.body.code, code, JSON.stringify(body));
    assert.match(res.body.message, message);
  }
  const cron = await api.json<{ details?: { field?: string } }>("/api/schedules", {
    body: { ...ok, id: "c", cron: "99 * * * *" },
  });
  assert.equal(cron.body.details?.field, "cron", "the error names the field");
  const notJson = await api.call("/api/schedules", { body: "{", method: "POST" });
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
  const list = await api.json<{ data: { id: string }[] }>("/api/schedules");
  assert.deepEqual(list.body.data.map((s) => s.id), ["s"]);
});

Deno.test("HTTP: the OpenAPI document lists the schedule routes", async () => {
  await using api = await apiFixture();
  const doc = await api.json<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json");
  assert.deepEqual(Object.keys(doc.body.paths["/api/schedules"] ?? {}).sort(), ["get", "post"]);
  assert.deepEqual(Object.keys(doc.body.paths["/api/schedules/{id}"] ?? {}).sort(), [
    "delete",
    "get",
  ]);
  for (const action of ["trigger", "pause", "resume"]) {
    assert.ok(doc.body.paths[`/api/schedules/{id}/${action}`]?.post, action);
  }
});

Deno.test("connect(...).schedules: the engine's schedules API over HTTP, with its errors", async () => {
  const clock = new TestClock();
  await using engine = await createEngine({
    kvPath: ":memory:",
    shutdownGraceMs: 200,
    pollIntervalMs: 50,
    scheduleClock: clock.read,
  });
  await using server = await startServer(engineBackend(engine), { port: 0 });
  const loom = connect({ url: server.url, longPollMs: 50 });
  const s = await loom.schedules.create({
    id: "http",
    cron: "* * * * *",
    workflow: SeqFlow,
    input: { n: 3 },
    overlap: "allow_all",
    catchup: "all",
    timezone: "Europe/Paris",
  });
  assert.equal(s.nextFireAt, Date.parse("2025-01-01T10:01:00Z"));
  assert.deepEqual([s.overlap, s.catchup, s.timezone], ["allow_all", "all", "Europe/Paris"]);
  assert.deepEqual((await loom.schedules.list()).map((x) => x.id), ["http"]);
  await assert.rejects(
    loom.schedules.create({ ...s, workflow: "t_seq" }),
    ScheduleAlreadyExistsError,
  );
  await assert.rejects(
    loom.schedules.create({ id: "bad", cron: "x", workflow: "t_seq" }),
    (e) => e instanceof InvalidArgumentError && e.field === "cron",
  );
  await assert.rejects(
    loom.schedules.create({ id: "bad", cron: "* * * * *", workflow: "t_missing" }),
    WorkflowDefinitionNotFoundError,
  );
  await assert.rejects(loom.schedules.get("nope"), ScheduleNotFoundError);
  clock.set("2025-01-01T10:01:00.010Z");
  await until(async () => (await loom.schedules.get("http")).fires === 1, "the fire");
  assert.deepEqual(await loom.getHandle(fired("http", "10:01")).result(), { total: 3 });
  assert.equal((await loom.schedules.pause("http")).paused, true);
  const handle = await loom.schedules.trigger("http");
  assert.deepEqual(await handle.result(), { total: 3 });
  assert.equal((await loom.schedules.resume("http")).paused, false);
  await loom.schedules.delete("http");
  assert.deepEqual(await loom.schedules.list(), []);
});

Deno.test("HTTP on a reader (loom web): schedules are written to KV and the owner fires them [file]", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await using owner = await createEngine({ kvPath, pollIntervalMs: 50, shutdownGraceMs: 200 });
  await using client = await connectKv({ kvPath });
  const backend = kvBackend(client);
  try {
    const app = createApp(backend);
    const res = await app.request("/api/schedules", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "r", cron: "* * * * *", workflow: "t_seq", input: { n: 1 } }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    await res.body?.cancel();
    const unknown = await app.request("/api/schedules", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "u", cron: "* * * * *", workflow: "t_unknown" }),
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const trigger = await app.request("/api/schedules/r/trigger", { method: "POST" });
    assert.equal(trigger.status, 201);
    const id = (await trigger.json()).workflow_id as string;
    assert.deepEqual(await owner.getHandle(id).result(), { total: 1 });
    assert.equal((await owner.schedules.get("r")).lastRunId, id);
  } finally {
    await backend.close();
  }
});
