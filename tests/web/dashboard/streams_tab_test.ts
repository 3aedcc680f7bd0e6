import assert from "node:assert/strict";
import { REDACTED } from "../../../engine/mod.ts";
import { hooksOf, streamsOf } from "../../../web/dashboard/components/run_streams.tsx";
import { stateValue } from "../../engine/behaviour/_hooks.ts";
import { HookFlow, StreamFlow } from "../../fixtures/hook_flows.ts";
import { dashboardFixture } from "./_helpers.ts";

Deno.test("the run page's streams tab lists each stream's values and the run's hooks, no token", async () => {
  await using d = await dashboardFixture();
  await (await d.engine.start(StreamFlow, { n: 2 }, { workflowId: "st" })).result();
  const page = await d.page("/workflows/st?tab=streams");
  assert.equal(page.status, 200);
  assert.match(page.html, /id="tab-streams"[^>]*>Streams<span class="count">3<\/span>/);
  assert.match(page.html, /data-stream="progress"/);
  assert.match(page.html, /data-stream="status"/);
  assert.match(page.html, /\{&quot;i&quot;:1\}/);
  assert.match(page.html, /&quot;done&quot;/);

  const open = await d.engine.start(HookFlow, {}, { workflowId: "hk-open" });
  const token = await stateValue(d.engine, open.workflowId, "token");
  const called = await d.engine.start(HookFlow, {}, { workflowId: "hk-called" });
  await d.engine.resumeHook(await stateValue(d.engine, called.workflowId, "token"), { ok: 1 });
  await called.result();
  const openPage = await d.page("/workflows/hk-open?tab=streams");
  assert.match(openPage.html, /id="run-hooks"/);
  assert.match(openPage.html, /class="badge hook-open">OPEN</);
  // The code put the token in its state (its own choice); the page's hook events have it redacted.
  const events =
    (openPage.payload.data as { events: { type: string; payload: { token?: string } }[] })
      .events;
  const created = events.find((x) => x.type === "HOOK_CREATED");
  assert.equal(created?.payload.token, REDACTED);
  assert.ok(token.startsWith("hk_"));
  const calledPage = await d.page("/workflows/hk-called?tab=streams");
  assert.match(calledPage.html, /class="badge hook-called">CALLED</);
  assert.match(calledPage.html, /\{&quot;ok&quot;:1\}/);
  const none = await d.page("/workflows/st?tab=timeline");
  assert.ok(!none.html.includes('id="run-streams"'), "only on its tab");
});

Deno.test("hooksOf() follows a hook from its request to its end; streamsOf() groups values", () => {
  const e = (type: string, payload: Record<string, unknown>, at = "2026-01-01T00:00:00.000Z") => ({
    id: 0,
    workflow_id: "w",
    type,
    payload,
    created_at: at,
  });
  const hooks = hooksOf([
    e("HOOK_REQUESTED", { seq: 1 }),
    e("HOOK_REQUESTED", { seq: 2, timeout_ms: 5 }),
    e("HOOK_REQUESTED", { seq: 3 }),
    e("HOOK_REQUESTED", { seq: 4 }),
    e("HOOK_CREATED", { seq: 2, created_at: "c", expires_at: "x" }),
    e("TIMER_SCHEDULED", { seq: 2, purpose: "hook_timeout" }),
    e("TIMER_FIRED", { seq: 2 }),
    e("HOOK_CREATED", { seq: 3, created_at: "c" }),
    e("HOOK_RECEIVED", { seq: 3, payload: [1], received_at: "r" }),
    e("HOOK_CREATED", { seq: 4, created_at: "c" }),
    e("HOOK_CLOSED", { seq: 4 }),
  ]);
  assert.deepEqual(hooks.map((h) => h.status), ["REQUESTED", "TIMED_OUT", "CALLED", "CLOSED"]);
  assert.deepEqual(hooks[2], {
    seq: 3,
    status: "CALLED",
    createdAt: "c",
    calledAt: "r",
    body: [1],
  });
  const streams = streamsOf([
    e("STREAM_APPENDED", { name: "b", index: 0, value: 1 }),
    e("STREAM_APPENDED", { name: "a", index: 0, value: 2 }),
    e("STREAM_APPENDED", { name: "b", index: 1, value: 3 }),
  ]);
  assert.deepEqual([...streams.keys()], ["b", "a"]);
  assert.deepEqual(streams.get("b")?.map((v) => v.value), [1, 3]);
});
