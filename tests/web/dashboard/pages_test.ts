import assert from "node:assert/strict";
import { ClassFlow, SignalFlow, ThrowFlow } from "../../fixtures/flows.ts";
import { ShipFlow } from "../../fixtures/dashboard_flows.ts";
import { dashboardFixture, eventually, nodeStatuses, runIds } from "./_helpers.ts";
import { ASSET_BASE, DASHBOARD_CSP, ROUTES } from "../../../web/dashboard/mod.ts";
import { CLIENT_CSS, CLIENT_JS } from "../../../web/dashboard/assets/client.gen.ts";

Deno.test("every dashboard page is server-rendered with its data, the CSP and the hydration payload", async () => {
  await using d = await dashboardFixture();
  await (await d.engine.start(ClassFlow, { x: 2 }, { workflowId: "cls-1" })).result();
  await d.engine.start(SignalFlow, {}, { workflowId: "sig-1" });
  const paths = [
    "/",
    "/workflows",
    "/workflows/cls-1",
    "/definitions",
    "/definitions/t_class",
    "/schedules",
    "/tasks",
    "/events",
    "/logs",
    "/stats",
    "/compare?a=cls-1&b=sig-1",
  ];
  assert.equal(paths.length, ROUTES.length, "one path per route");
  for (const path of paths) {
    const p = await d.page(path);
    assert.equal(p.status, 200, `${path}: ${p.html.slice(0, 300)}`);
    assert.match(p.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(p.headers.get("content-security-policy"), DASHBOARD_CSP);
    assert.ok(p.html.startsWith("<!doctype html>"), path);
    assert.ok(
      p.html.includes(`<script type="module" src="${ASSET_BASE}/client.js"></script>`),
      path,
    );
    assert.ok(p.html.includes('<nav class="nav" aria-label="Dashboard">'), path);
    assert.equal(p.payload.url, path);
    assert.ok(
      !/undefined|\[object Object\]|NaN/.test(p.html.replace(/<script[\s\S]*?<\/script>/g, "")),
      `${path} shows a raw value`,
    );
  }
  const home = await d.page("/");
  assert.ok(
    home.html.includes('<div class="card-label">Runs</div><div class="card-value">2</div>'),
  );
  assert.deepEqual(runIds(home.html), ["sig-1", "cls-1"], "recent runs, newest first");
  assert.match(home.html, /<svg class="chart-svg"/, "the throughput chart is drawn on the server");
  assert.match(home.payload.feed ?? "", /^\/api\/events\/stream\?after=\d+$/);
});

Deno.test("/ no longer answers the JSON note: it is the overview page, and assets come from the module graph", async () => {
  await using d = await dashboardFixture();
  const res = await d.call("/");
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  assert.ok(!(await res.text()).includes("No dashboard yet"));
  const js = await d.call(`${ASSET_BASE}/client.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /javascript/);
  assert.match(js.headers.get("cache-control") ?? "", /immutable/);
  assert.equal(await js.text(), CLIENT_JS);
  const css = await d.call(`${ASSET_BASE}/app.css`);
  assert.equal(await css.text(), CLIENT_CSS);
  assert.match(CLIENT_CSS, /prefers-color-scheme: dark/);
  assert.ok(CLIENT_JS.length > 10_000);
});

Deno.test("/workflows shows runs with links, keeps filters from the URL, and pages with the API's cursor", async () => {
  await using d = await dashboardFixture();
  for (let i = 0; i < 30; i++) {
    await d.engine.start(SignalFlow, {}, { workflowId: `r-${String(i).padStart(2, "0")}` });
    await new Promise((r) => setTimeout(r, 1));
  }
  await (await d.engine.start(ClassFlow, { x: 1 }, { workflowId: "done-1" })).result();
  const all = await d.page("/workflows");
  assert.equal(runIds(all.html).length, 25, "25 a page");
  assert.deepEqual(runIds(all.html).slice(0, 2), ["done-1", "r-29"]);
  assert.ok(all.html.includes('<a href="/workflows/done-1">done-1</a>'));
  assert.ok(all.html.includes("31 runs"));
  const older = all.html.match(/<a href="(\/workflows\?cursor=[^"]+)" rel="next" id="older">/)?.[1];
  assert.ok(older !== undefined, "a link to older runs");
  const next = await d.page(older.replaceAll("&amp;", "&"));
  assert.deepEqual(runIds(next.html), ["r-05", "r-04", "r-03", "r-02", "r-01", "r-00"]);

  const filtered = await d.page("/workflows?status=RUNNING&id=r-1&name=sig");
  assert.deepEqual(runIds(filtered.html), [
    "r-19",
    "r-18",
    "r-17",
    "r-16",
    "r-15",
    "r-14",
    "r-13",
    "r-12",
    "r-11",
    "r-10",
  ]);
  assert.match(filtered.html, /<option value="RUNNING" selected>RUNNING<\/option>/);
  assert.match(filtered.html, /<input name="id" value="r-1"/);
  assert.match(filtered.html, /<input name="name" value="sig"/);
  assert.deepEqual(
    filtered.payload.data,
    { ...(filtered.payload.data as object) },
    "data travels to the browser",
  );
  const byWorkflow = await d.page("/workflows?workflow=t_class");
  assert.deepEqual(runIds(byWorkflow.html), ["done-1"]);
  const record = await d.engine.reader.run("r-20");
  const after = new Date(record?.createdAt ?? 0).toISOString();
  const since = await d.page(`/workflows?after=${encodeURIComponent(after)}&status=RUNNING`);
  assert.deepEqual(runIds(since.html), [
    "r-29",
    "r-28",
    "r-27",
    "r-26",
    "r-25",
    "r-24",
    "r-23",
    "r-22",
    "r-21",
    "r-20",
  ]);
  const before = await d.page(`/workflows?before=${encodeURIComponent(after)}&status=RUNNING`);
  assert.equal(runIds(before.html)[0], "r-19");
  const bad = await d.page("/workflows?after=yesterday");
  assert.equal(bad.status, 200);
  assert.match(bad.html, /is not an ISO 8601 time/);
});

Deno.test("/workflows?q= searches input, state and logs of the runs, bounded, and says how many it examined", async () => {
  await using d = await dashboardFixture();
  await (await d.engine.start(ShipFlow, { id: "ORD-777" }, { workflowId: "ship-a" })).status();
  await d.engine.start(ShipFlow, { id: "ORD-888" }, { workflowId: "ship-b" });
  await d.engine.start(SignalFlow, {}, { workflowId: "other" });
  await eventually(
    "ship-a to wait",
    async () => (await d.engine.reader.eventsOf("ship-a")).some((e) => e.type === "SIGNAL_WAITING"),
  );
  const byInput = await d.page("/workflows?q=ord-777");
  assert.deepEqual(runIds(byInput.html), ["ship-a"]);
  assert.match(byInput.html, /1 match among 3 runs examined \(all examined\)/);
  const byState = await d.page("/workflows?q=prepared%20ORD-888");
  assert.deepEqual(runIds(byState.html), ["ship-b"], 'state holds "prepared ORD-888"');
  const none = await d.page("/workflows?q=nothing-like-this");
  assert.deepEqual(runIds(none.html), []);
});

Deno.test("a run's page shows header, actions, timeline grouped by step, and the graph with the run's status on each node", async () => {
  await using d = await dashboardFixture();
  await d.engine.start(ShipFlow, { id: "A1" }, { workflowId: "ship-1" });
  await eventually(
    "the run to wait for approval",
    async () => (await d.engine.reader.eventsOf("ship-1")).some((e) => e.type === "SIGNAL_WAITING"),
  );
  const timeline = await d.page("/workflows/ship-1");
  assert.match(timeline.html, /<span class="badge status-running">RUNNING<\/span>/);
  assert.ok(timeline.html.includes('id="rerun"'));
  assert.ok(timeline.html.includes('id="cancel-open"'), "a running run can be cancelled");
  assert.ok(timeline.html.includes('id="signal-open"'));
  assert.match(timeline.html, /<li class="group group-done" data-step="prepareOrder">/);
  assert.match(timeline.html, /<li class="group group-running" data-step="approve">/);
  assert.match(timeline.html, /waiting for &quot;approve&quot;/);
  assert.match(
    timeline.payload.feed ?? "",
    /^\/api\/workflows\/ship-1\/events\/stream\?after=\d+$/,
  );

  const waiting = nodeStatuses((await d.page("/workflows/ship-1?tab=graph")).html);
  assert.equal(waiting.step_prepareOrder, "done");
  assert.equal(waiting.activity_d_prepare_prepareOrder, "done");
  assert.equal(waiting.step_approve, "waiting");
  assert.equal(waiting.signal_approve_approve, "waiting");
  assert.equal(waiting.step_shipOrder, "not-reached");
  assert.equal(waiting.state_prepared, "done");

  await d.engine.getHandle("ship-1").signal("approve", { by: "ada" });
  await d.engine.getHandle("ship-1").result();
  const done = await d.page("/workflows/ship-1?tab=graph");
  assert.ok(
    Object.values(nodeStatuses(done.html)).every((s) => s === "done"),
    JSON.stringify(nodeStatuses(done.html)),
  );
  assert.equal(done.payload.feed, null, "an ended run has no live feed");
  assert.ok(!done.html.includes('id="cancel-open"'));

  await d.engine.start(ShipFlow, { id: "broken" }, { workflowId: "ship-2" });
  await d.engine.getHandle("ship-2").signal("approve", { by: "bob" });
  await assert.rejects(d.engine.getHandle("ship-2").result());
  const failed = await d.page("/workflows/ship-2?tab=graph");
  const f = nodeStatuses(failed.html);
  assert.equal(f.step_shipOrder, "failed");
  assert.equal(f.activity_d_ship_shipOrder, "failed");
  assert.equal(f.step_approve, "done");
  assert.match(failed.html, /id="run-error"/);
  assert.match(failed.html, /cannot ship/);

  const state = await d.page("/workflows/ship-1?tab=state");
  assert.match(
    state.html,
    /<pre class="json" id="run-state">[^<]*&quot;approvedBy&quot;: &quot;ada&quot;/,
  );
  const input = await d.page("/workflows/ship-1?tab=input");
  assert.match(input.html, /&quot;id&quot;: &quot;A1&quot;/);
  const logs = await d.page("/workflows/ship-1?tab=logs");
  assert.match(logs.html, /prepared A1/);
  const missing = await d.page("/workflows/nope");
  assert.equal(missing.status, 404);
  assert.match(missing.html, /No run has the id &quot;nope&quot;/);
});

Deno.test("a cancelled run's graph shows cancelled where it stopped; a step that threw shows failed", async () => {
  await using d = await dashboardFixture();
  const h = await d.engine.start(ShipFlow, { id: "C1" }, { workflowId: "ship-c" });
  await eventually(
    "the run to wait",
    async () => (await d.engine.reader.eventsOf("ship-c")).some((e) => e.type === "SIGNAL_WAITING"),
  );
  await h.cancel("no");
  await assert.rejects(h.result());
  const c = nodeStatuses((await d.page("/workflows/ship-c?tab=graph")).html);
  assert.equal(c.step_approve, "cancelled");
  assert.equal(c.step_shipOrder, "not-reached");
  await assert.rejects(
    d.engine.start(ThrowFlow, null, { workflowId: "thrown" }).then((x) => x.result()),
  );
  const t = nodeStatuses((await d.page("/workflows/thrown?tab=graph")).html);
  assert.equal(t.step_explode, "failed");
});

Deno.test("/definitions lists definitions; a definition's page merges what its runs called into the graph and offers a start form", async () => {
  await using d = await dashboardFixture();
  const list = await d.page("/definitions");
  assert.match(list.html, /<tr data-definition="d_ship_order">/);
  assert.match(list.html, /prepareOrder → approve → shipOrder/);
  const before = nodeStatuses((await d.page("/definitions/d_ship_order")).html);
  assert.deepEqual(Object.keys(before).sort(), [
    "step_approve",
    "step_prepareOrder",
    "step_shipOrder",
  ]);
  assert.ok(
    Object.values(before).every((s) => s === "none"),
    "a definition's graph has no run status",
  );
  await d.engine.start(ShipFlow, { id: "Z9" }, { workflowId: "ship-z" });
  await eventually(
    "the run to wait",
    async () => (await d.engine.reader.eventsOf("ship-z")).some((e) => e.type === "SIGNAL_WAITING"),
  );
  const after = await d.page("/definitions/d_ship_order");
  const nodes = Object.keys(nodeStatuses(after.html));
  for (const n of ["activity_d_prepare_prepareOrder", "signal_approve_approve", "state_prepared"]) {
    assert.ok(nodes.includes(n), `${n} in ${nodes}`);
  }
  assert.ok(after.html.includes('id="start-form"'));
  assert.match(
    after.html,
    /&quot;id&quot;: &quot;Z9&quot;/,
    "the newest run's input fills the form",
  );
  assert.deepEqual(runIds(after.html), ["ship-z"]);
  const unknown = await d.page("/definitions/nope");
  assert.match(unknown.html, /No definition named &quot;nope&quot;/);
});

Deno.test("/tasks shows the queue with ages; /events filters by type (also STEP_FAILED); /logs by level and text; /stats counts", async () => {
  await using d = await dashboardFixture();
  await d.engine.start(SignalFlow, { timeout: 60_000 }, { workflowId: "timed" });
  await (await d.engine.start(ClassFlow, { x: 3 }, { workflowId: "cls" })).result();
  await assert.rejects(
    d.engine.start(ThrowFlow, null, { workflowId: "bad" }).then((h) => h.result()),
  );
  await eventually(
    "the timer",
    async () => (await d.engine.reader.eventsOf("timed")).some((e) => e.type === "TIMER_SCHEDULED"),
  );
  const tasks = await d.page("/tasks");
  assert.match(tasks.html, /<table id="pending-table">[\s\S]*TIMER[\s\S]*in (5\d|60)\.\d s/);
  const failed = await d.page("/events?type=STEP_FAILED");
  assert.match(failed.html, /<tr data-type="WORKFLOW_FAILED">/);
  assert.ok(!failed.html.includes('data-type="STEP_END"'));
  assert.match(failed.html, /<option value="STEP_FAILED" selected>/);
  const ends = await d.page("/events?type=STEP_COMPLETE");
  assert.equal([...ends.html.matchAll(/<tr data-type="STEP_END">/g)].length, 2);
  const warn = await d.page("/logs?level=WARNING");
  assert.match(warn.html, /second step done/);
  assert.ok(!warn.html.includes("first step"));
  const search = await d.page("/logs?q=FIRST");
  // ClassFlow's two lines and the failed run's ERROR line.
  assert.match(search.html, /1 of the 3 entries on this page match/);
  const errors = await d.page("/logs?level=ERROR");
  assert.match(errors.html, /Workflow failed in step &quot;explode&quot;: TypeError: bad thing/);
  const stats = await d.page("/stats");
  assert.match(stats.html, /<span class="bar-label">Failed<\/span>[\s\S]*?1 · 33\.3 %/);
  // The processes that hold the partitions: here the fixture's engine alone, holding all 16.
  assert.match(stats.html, /<caption>16 of 16 partitions held<\/caption>/);
  assert.match(
    stats.html,
    new RegExp(`pid ${Deno.pid}<span class="muted">\\(this server\\)</span>`),
  );
  assert.match(stats.html, /<td class="num">16<\/td><td class="mono">0, 1, 2, [\d, ]*, 15<\/td>/);
});

Deno.test("/compare shows two runs side by side with their differences marked", async () => {
  await using d = await dashboardFixture();
  await (await d.engine.start(ClassFlow, { x: 1 }, { workflowId: "one" })).result();
  await (await d.engine.start(ClassFlow, { x: 5 }, { workflowId: "five" })).result();
  const p = await d.page("/compare?a=one&b=five");
  assert.match(
    p.html,
    /<tr class="diff-changed" data-diff="changed"><td class="mono">x<\/td><td class="mono">1<\/td><td class="mono">5<\/td><\/tr>/,
  );
  assert.match(
    p.html,
    /<tr class="diff-changed" data-diff="changed"><td class="mono">doubled<\/td><td class="mono">2<\/td><td class="mono">10<\/td>/,
  );
  assert.match(p.html, /rows differ/);
  assert.match(p.html, /data-diff="same"/, "the calls both made line up");
  const missing = await d.page("/compare?a=one&b=zzz");
  assert.match(missing.html, /B: No run has the id &quot;zzz&quot;/);
});
