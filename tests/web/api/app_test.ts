import assert from "node:assert/strict";
import { ClassFlow, SignalFlow, SleepFlow, StateFlow, ThrowFlow } from "../../fixtures/flows.ts";
import { FLOWS_MODULE } from "../../_helpers.ts";
import { apiFixture } from "../_helpers.ts";

type Page = { data: Record<string, unknown>[]; meta: Record<string, unknown> };

Deno.test("GET /api/workflows lists runs in the reference's shape, with and without a trailing slash", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "done" })).result();
  await api.engine.start(SignalFlow, {}, { workflowId: "waiting" });
  for (const path of ["/api/workflows", "/api/workflows/"]) {
    const { status, body } = await api.json<Page>(path);
    assert.equal(status, 200);
    assert.deepEqual(body.data.map((w) => w.id), ["waiting", "done"]);
    assert.deepEqual(body.meta, {
      page: 1,
      per_page: 50,
      total: 2,
      pages: 1,
      has_prev: false,
      has_next: false,
      next_cursor: null,
    });
  }
  const { body } = await api.json<Page>("/api/workflows?status=COMPLETED");
  const done = body.data[0] as Record<string, unknown>;
  assert.equal(done.name, "t_class");
  assert.equal(done.status, "COMPLETED");
  assert.equal(typeof done.duration, "number");
  assert.match(String(done.created_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

Deno.test("GET /api/workflows filters by status (CANCELED as an alias), name, workflow, id prefix and start time", async () => {
  await using api = await apiFixture();
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const a = await api.engine.start(SignalFlow, {}, { workflowId: "sig-a" });
  await tick(); // distinct start times
  await api.engine.start(SignalFlow, {}, { workflowId: "sig-b" });
  await tick();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "cls-a" })).result();
  await a.cancel("no");
  await assert.rejects(a.result());
  const ids = async (q: string) =>
    (await api.json<Page>(`/api/workflows?${q}`)).body.data.map((w) => w.id);
  assert.deepEqual(await ids("status=CANCELED"), ["sig-a"]);
  assert.deepEqual(await ids("status=CANCELLED"), ["sig-a"]);
  assert.deepEqual(await ids("name=SIGN"), ["sig-b", "sig-a"]);
  assert.deepEqual(await ids("workflow=t_class"), ["cls-a"]);
  assert.deepEqual(await ids("workflow=t_sig"), [], "workflow is an exact name");
  assert.deepEqual(await ids("id_prefix=sig-"), ["sig-b", "sig-a"]);
  assert.deepEqual(await ids("name=signal&status=RUNNING"), ["sig-b"]);
  const record = await api.engine.reader.run("sig-b");
  const at = new Date(record?.createdAt ?? 0).toISOString();
  assert.deepEqual(await ids(`started_after=${encodeURIComponent(at)}`), ["cls-a", "sig-b"]);
  assert.deepEqual(await ids(`started_before=${record?.createdAt}`), ["sig-a"]);
  const zoneless = at.replace("Z", "").replace("T", " ");
  assert.deepEqual(
    await ids(`started_after=${encodeURIComponent(zoneless)}`),
    ["cls-a", "sig-b"],
    "a time without zone is UTC, compared as a time (not as text)",
  );
});

Deno.test("GET /api/workflows pages with page/per_page and with a cursor", async () => {
  await using api = await apiFixture();
  for (let i = 0; i < 5; i++) await api.engine.start(SignalFlow, {}, { workflowId: `r${i}` });
  const p2 = await api.json<Page>("/api/workflows?page=2&per_page=2&sort_order=asc");
  assert.deepEqual(p2.body.data.map((w) => w.id), ["r2", "r3"]);
  assert.equal(p2.body.meta.total, 5);
  assert.equal(p2.body.meta.pages, 3);
  assert.equal(p2.body.meta.has_prev, true);
  assert.equal(p2.body.meta.has_next, true);
  const seen: unknown[] = [];
  let cursor: string | null = null;
  let first = true;
  while (first || cursor !== null) {
    const q: string = first ? "" : `&cursor=${cursor}`;
    first = false;
    const res: { status: number; body: Page } = await api.json<Page>(
      `/api/workflows?per_page=2${q}`,
    );
    assert.equal(res.status, 200);
    seen.push(...res.body.data.map((w) => w.id));
    cursor = res.body.meta.next_cursor as string | null;
  }
  assert.deepEqual(seen, ["r4", "r3", "r2", "r1", "r0"]);
  const byName = await api.json<Page>("/api/workflows?sort_by=id&sort_order=asc&per_page=3");
  assert.deepEqual(byName.body.data.map((w) => w.id), ["r0", "r1", "r2"]);
});

Deno.test("GET /api/workflows/{id} shows input, current state, error and event count; unknown id is 404", async () => {
  await using api = await apiFixture();
  const h = await api.engine.start(StateFlow, null, { workflowId: "state" });
  await h.result();
  const { status, body } = await api.json("/api/workflows/state");
  assert.equal(status, 200);
  assert.deepEqual(body.current_state, { a: 1, b: 2, c: 3, d: 4 });
  assert.equal(body.input, null);
  assert.equal(body.error, null);
  assert.equal(body.event_count, (await api.engine.reader.eventsOf("state")).length);
  assert.equal(body.module, FLOWS_MODULE, "the module that defined the workflow");
  await api.engine.start(SignalFlow, {}, { workflowId: "live" });
  await api.engine.getHandle("live").signal("go", 1);
  const live = await api.json("/api/workflows/live");
  assert.ok(typeof live.body.current_state === "object");
  await assert.rejects(
    api.engine.start(ThrowFlow, null, { workflowId: "bad" }).then((x) => x.result()),
  );
  const failed = await api.json<
    { error: { code: string; message: string }; error_message: string }
  >(
    "/api/workflows/bad",
  );
  assert.equal(failed.body.error.message, "bad thing");
  assert.equal(failed.body.error_message, "bad thing");
  const missing = await api.json("/api/workflows/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, {
    code: "WORKFLOW_NOT_FOUND",
    message: 'Workflow "nope" not found',
    name: "WorkflowNotFoundError",
  });
});

Deno.test("a run's events and logs: filters, order, and 404 (not 500) for an unknown run", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 3 }, { workflowId: "c" })).result();
  const all = await api.json<Page>("/api/workflows/c/events?sort_order=asc");
  const types = all.body.data.map((e) => e.type);
  assert.equal(types[0], "WORKFLOW_STARTED");
  assert.equal(types.at(-1), "WORKFLOW_COMPLETED");
  const steps = await api.json<Page>("/api/workflows/c/events?type=STEP_START");
  assert.deepEqual(steps.body.data.map((e) => (e.payload as { step_name: string }).step_name), [
    "second_step",
    "first",
  ]);
  const later = await api.json<Page>(
    `/api/workflows/c/events?since=${
      encodeURIComponent(new Date(Date.now() + 60_000).toISOString())
    }`,
  );
  assert.equal(later.body.meta.total, 0);
  const logs = await api.json<Page>("/api/workflows/c/logs?level=WARNING");
  assert.deepEqual(logs.body.data.map((l) => l.message), ["second step done"]);
  for (const path of ["/api/workflows/x/events", "/api/workflows/x/logs"]) {
    const res = await api.json(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.body.code, "WORKFLOW_NOT_FOUND");
  }
  const badType = await api.json("/api/workflows/c/events?type=NOPE");
  assert.equal(badType.status, 400);
});

Deno.test("tasks: /api/tasks/pending and /api/events/stream are not shadowed by the id routes", async () => {
  await using api = await apiFixture();
  await api.engine.start(SleepFlow, { ms: 60_000 }, { workflowId: "sleepy" });
  const tasks = await api.json<Page>("/api/tasks?kind=TIMER");
  assert.equal(tasks.status, 200);
  assert.equal(tasks.body.data.length, 1);
  const timer = tasks.body.data[0] as Record<string, unknown>;
  assert.equal(timer.status, "PENDING");
  assert.equal(timer.target, "__timer__");
  const pending = await api.json<Page>("/api/tasks/pending");
  assert.equal(pending.status, 200);
  assert.deepEqual(pending.body.data, [], "the timer is not due yet");
  const one = await api.json(`/api/tasks/${timer.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.id, timer.id);
  const missing = await api.json("/api/tasks/999999");
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, "TASK_NOT_FOUND");
  const stream = await api.call("/api/events/stream");
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get("content-type"), "text/event-stream");
  await stream.body?.cancel();
  const sorted = await api.json("/api/tasks?sort_by=created_at;DROP");
  assert.equal(sorted.status, 400, "sort_by is a whitelist");
});

Deno.test("events and logs of all runs, and one event by id", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 3 }, { workflowId: "c" })).result();
  const events = await api.json<Page>("/api/events?per_page=2");
  assert.equal(events.body.data.length, 2);
  const newest = events.body.data[0] as Record<string, unknown>;
  assert.equal(newest.type, "WORKFLOW_COMPLETED");
  assert.equal(newest.workflow_name, "t_class");
  assert.equal(newest.workflow_status, "COMPLETED");
  assert.equal(events.body.meta.total, (await api.engine.reader.eventsOf("c")).length);
  const one = await api.json(`/api/events/${newest.id}`);
  assert.equal(one.body.type, "WORKFLOW_COMPLETED");
  assert.equal((await api.json("/api/events/123456")).status, 404);
  assert.equal((await api.json("/api/events/abc")).status, 404);
  const errors = await api.json<Page>("/api/logs/errors");
  assert.deepEqual(errors.body.data, []);
  const recent = await api.json<Page>("/api/logs/recent");
  assert.deepEqual(recent.body.data.map((l) => l.message), ["second step done", "first step"]);
  const info = await api.json<Page>("/api/logs?level=INFO&workflow_id=c");
  assert.deepEqual(info.body.data.map((l) => l.message), ["first step"]);
});

Deno.test("stats count runs and tasks by status, what is in flight, and throughput", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 })).result();
  const cancelled = await api.engine.start(SignalFlow, {});
  await cancelled.cancel("test");
  await assert.rejects(cancelled.result());
  await api.engine.start(SleepFlow, { ms: 60_000 });
  const { status, body } = await api.json<{
    workflows: Record<string, number>;
    tasks: Record<string, number>;
    events: number;
    logs: number;
    live: Record<string, unknown>;
    throughput: { minutes: { started: number; completed: number; cancelled: number }[] };
  }>("/api/stats?minutes=5");
  assert.equal(status, 200);
  assert.deepEqual(body.workflows, {
    total: 3,
    running: 1,
    completed: 1,
    failed: 0,
    canceled: 1,
    cancelled: 1,
  });
  assert.equal(body.logs, 2);
  assert.equal(body.events, (await api.engine.reader.lastIds()).event);
  assert.deepEqual(body.live, {
    activities_running: 0,
    timers_scheduled: 1,
    timers_due: 0,
    source: "owner",
  });
  assert.equal(body.throughput.minutes.length, 6);
  const sum = (k: "started" | "completed" | "cancelled") =>
    body.throughput.minutes.reduce((n, m) => n + m[k], 0);
  assert.deepEqual([sum("started"), sum("completed"), sum("cancelled")], [3, 1, 1]);
  assert.equal(body.tasks.pending, 1);
  const health = await api.json("/api/stats/health");
  assert.equal(health.body.active_workflows, 1);
  assert.equal(health.body.failure_rate, 0);
  assert.equal(health.body.status, "healthy");
  assert.deepEqual((await api.json("/api/stats/workflows")).body, body.workflows);
});

Deno.test("health: one /health, and /health/detailed with counts", async () => {
  await using api = await apiFixture();
  const h = await api.json("/health");
  assert.equal(h.status, 200);
  assert.deepEqual(Object.keys(h.body).sort(), ["status", "timestamp"]);
  const d = await api.json<{ status: string; database: { status: string } }>("/health/detailed");
  assert.equal(d.body.status, "healthy");
  assert.equal(d.body.database.status, "connected");
});

Deno.test("/api/stats/processes lists the processes that hold the partitions, and which one answers", async () => {
  await using api = await apiFixture();
  const { status, body } = await api.json<{
    partition_count: number;
    this_process: string | null;
    processes: { owner_id: string; pid: number; partitions: number[] }[];
  }>("/api/stats/processes");
  assert.equal(status, 200);
  assert.equal(body.partition_count, 16);
  assert.equal(body.processes.length, 1);
  const [me] = body.processes;
  assert.equal(me?.pid, Deno.pid);
  assert.deepEqual(me?.partitions, Array.from({ length: 16 }, (_, i) => i));
  assert.equal(body.this_process, me?.owner_id);
  const detailed = await api.json<{ processes: unknown[] }>("/health/detailed");
  assert.deepEqual(detailed.body.processes, body.processes, "the same list in /health/detailed");
});

Deno.test("definitions list steps and versions; unknown names are 404", async () => {
  await using api = await apiFixture();
  const { body } = await api.json<{
    definitions: { name: string; latest_version: string; versions: { version: string }[] }[];
  }>("/api/definitions");
  const versioned = body.definitions.find((d) => d.name === "t_versioned");
  assert.equal(versioned?.latest_version, "1.10.0");
  assert.deepEqual(versioned?.versions.map((v) => v.version), ["1.0.0", "1.9.0", "1.10.0"]);
  const cls = await api.json<{ steps: { name: string; function: string }[]; latest: boolean }>(
    "/api/definitions/t_class",
  );
  assert.deepEqual(cls.body.steps.map((s) => [s.name, s.function]), [
    ["first", "first"],
    ["second_step", "second"],
  ]);
  assert.equal(cls.body.latest, true);
  const old = await api.json("/api/definitions/t_versioned?version=1.0.0");
  assert.equal(old.body.latest, false);
  const missing = await api.json("/api/definitions/nope");
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, "DEFINITION_NOT_FOUND");
});

Deno.test("start is idempotent on workflow_id; signal and cancel act on the run; result waits", async () => {
  await using api = await apiFixture();
  const first = await api.json<{ created: boolean; workflow: { id: string; status: string } }>(
    "/api/workflows",
    { body: { name: "t_signal", input: {}, workflow_id: "w1" } },
  );
  assert.equal(first.status, 201);
  assert.equal(first.body.created, true);
  const again = await api.json<{ created: boolean }>("/api/workflows", {
    body: { name: "t_signal", input: {}, workflow_id: "w1" },
  });
  assert.equal(again.status, 200);
  assert.equal(again.body.created, false);
  const strict = await api.json("/api/workflows", {
    body: { name: "t_signal", workflow_id: "w1", if_exists: "fail" },
  });
  assert.equal(strict.status, 409);
  assert.equal(strict.body.code, "WORKFLOW_ALREADY_EXISTS");
  const early = await api.json("/api/workflows/w1/result?wait=true&timeout_ms=20");
  assert.deepEqual(early.body, { workflow_id: "w1", status: "RUNNING", done: false });
  const waiting = api.json("/api/workflows/w1/result?wait=true");
  const sent = await api.json("/api/workflows/w1/signal", { body: { name: "go", data: { n: 1 } } });
  assert.deepEqual(sent.body, { workflow_id: "w1", accepted: true });
  const result = await waiting;
  assert.deepEqual(result.body, {
    workflow_id: "w1",
    status: "COMPLETED",
    done: true,
    result: { received: [{ n: 1 }], timedOut: false },
  });
  const late = await api.json("/api/workflows/w1/signal", { body: { name: "go" } });
  assert.equal(late.status, 409);
  assert.equal(late.body.code, "WORKFLOW_NOT_RUNNING");
  await api.json("/api/workflows", { body: { name: "t_signal", input: {}, workflow_id: "w2" } });
  const cancelled = await api.json("/api/workflows/w2/cancel", { body: { reason: "enough" } });
  assert.equal(cancelled.status, 200);
  const outcome = await api.json<{ status: string; error: { code: string } }>(
    "/api/workflows/w2/result?wait=true",
  );
  assert.equal(outcome.body.status, "CANCELLED");
  assert.equal(outcome.body.error.code, "WORKFLOW_CANCELLED");
  const noBody = await api.call("/api/workflows/w2/cancel", { method: "POST" });
  assert.equal(noBody.status, 200, "cancelling a cancelled run again is accepted");
  const unknown = await api.json("/api/workflows/zzz/signal", { body: { name: "go" } });
  assert.equal(unknown.status, 404);
});

Deno.test("graphs: from the definition's steps, and from a run's history, as mermaid, dot and json", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "g" })).result();
  const def = await api.json<{ nodes: { id: string }[]; edges: { type: string }[] }>(
    "/api/graphs/definitions/t_class",
  );
  assert.deepEqual(def.body.nodes.map((n) => n.id), ["step_first", "step_second_step"]);
  assert.deepEqual(def.body.edges.map((e) => e.type), ["sequence"]);
  const run = await api.json<{
    nodes: { id: string; type: string; metadata: Record<string, unknown> }[];
    metadata: { workflow_id: string };
  }>("/api/graphs/workflow/g/definition");
  assert.equal(run.body.metadata.workflow_id, "g");
  const activity = run.body.nodes.find((n) => n.id === "activity_t_double_first");
  assert.equal(activity?.metadata.status, "completed");
  const mermaid = await api.json<
    { format: string; content: string; metadata: Record<string, unknown> }
  >(
    "/api/graphs/workflow/g/definition/render",
  );
  assert.equal(mermaid.body.format, "mermaid");
  assert.match(mermaid.body.content, /^graph TD\n/);
  assert.match(mermaid.body.content, /step_first -->\|then\| step_second_step/);
  assert.equal(mermaid.body.metadata.node_count, run.body.nodes.length);
  const dot = await api.json<{ content: string }>(
    "/api/graphs/workflow/g/definition/render?format=dot",
  );
  assert.match(dot.body.content, /^digraph workflow \{/);
  const json = await api.json<{ content: string }>(
    "/api/graphs/definitions/t_class/render?format=json",
  );
  assert.equal(JSON.parse(json.body.content).nodes.length, 2);
  assert.equal((await api.json("/api/graphs/workflow/nope/definition")).status, 404);
  assert.equal((await api.json("/api/graphs/workflow/g/definition/render?format=png")).status, 400);
  const list = await api.json<{ total_count: number }>("/api/graphs/workflows");
  assert.equal(list.body.total_count, 1);
});

Deno.test("event type filters accept the reference dashboard's STEP_COMPLETE (STEP_END) and STEP_FAILED (a step's failure)", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "ok" })).result();
  await assert.rejects(
    api.engine.start(ThrowFlow, null, { workflowId: "bad" }).then((h) => h.result()),
  );
  const types = async (path: string) => {
    const res = await api.json<Page>(path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.map((e) => `${e.workflow_id}:${e.type}`);
  };
  assert.deepEqual(await types("/api/events?type=STEP_COMPLETE&sort_order=asc"), [
    "ok:STEP_END",
    "ok:STEP_END",
  ]);
  assert.deepEqual(await types("/api/events?type=STEP_FAILED"), ["bad:WORKFLOW_FAILED"]);
  assert.deepEqual(await types("/api/workflows/ok/events?type=STEP_COMPLETE"), [
    "ok:STEP_END",
    "ok:STEP_END",
  ]);
  assert.deepEqual(await types("/api/workflows/bad/events?type=STEP_FAILED"), [
    "bad:WORKFLOW_FAILED",
  ]);
  assert.deepEqual(await types("/api/workflows/ok/events?type=STEP_FAILED"), []);
  const meta = (await api.json<Page>("/api/events?type=STEP_FAILED")).body.meta;
  assert.equal(meta.total, 1);
  assert.equal((await api.call("/api/events?type=NOPE")).status, 400);
});

Deno.test("run list items carry event_count", async () => {
  await using api = await apiFixture();
  await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "ok" })).result();
  const { body } = await api.json<Page>("/api/workflows");
  assert.equal(body.data[0]?.event_count, (await api.engine.reader.eventsOf("ok")).length);
  assert.ok(Number(body.data[0]?.event_count) > 5);
});
