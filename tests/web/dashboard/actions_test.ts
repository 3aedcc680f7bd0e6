import assert from "node:assert/strict";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";
import { dashboardFixture } from "./_helpers.ts";
import { type BulkProgress, cancelMatchingRuns } from "../../../web/dashboard/mod.ts";
import {
  parseJsonInput,
  rerun,
  sendSignal,
  startRun,
} from "../../../web/dashboard/components/actions.ts";
import { inProcessApi } from "../../../web/dashboard/server/api_caller.ts";
import type { RunDetail } from "../../../web/dashboard/components/types.ts";

Deno.test("cancelMatchingRuns() cancels every running run of a filter in one server call, with the progress it streams", async () => {
  await using d = await dashboardFixture();
  for (let i = 0; i < 130; i++) await d.engine.start(SignalFlow, {}, { workflowId: `b-${i}` });
  await d.engine.start(SignalFlow, {}, { workflowId: "keep-1" });
  await (await d.engine.start(ClassFlow, { x: 1 }, { workflowId: "b-done" })).result();
  const inner = inProcessApi(d.app, new Request("http://localhost/workflows"));
  const calls: string[] = [];
  const api: typeof inner = {
    get: (path) => (calls.push(`GET ${path}`), inner.get(path)),
    post: (path, body) => (calls.push(`POST ${path}`), inner.post(path, body)),
    postLines: (path, body, onLine, signal) => (
      calls.push(`POST ${path}`), inner.postLines(path, body, onLine, signal)
    ),
  };
  const seen: BulkProgress[] = [];
  const done = await cancelMatchingRuns(api, "?id_prefix=b-&status=COMPLETED", {
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual({ ...done, lastError: undefined }, {
    total: 130,
    cancelled: 130,
    failed: 0,
    done: true,
    lastError: undefined,
  });
  assert.deepEqual(calls, ["POST /api/workflows/cancel?id_prefix=b-&status=RUNNING"]);
  assert.equal(seen.length, 131, "one report per run, and the last");
  assert.deepEqual(seen.slice(0, 3).map((p) => p.cancelled), [1, 2, 3]);
  for (const id of ["b-0", "b-129"]) {
    await assert.rejects(d.engine.getHandle(id).result());
    assert.equal(await d.engine.getHandle(id).status(), "CANCELLED");
  }
  assert.equal(await d.engine.getHandle("keep-1").status(), "RUNNING", "outside the filter");
  assert.equal(await d.engine.getHandle("b-done").status(), "COMPLETED");
  const stop = new AbortController();
  stop.abort();
  const stopped = await cancelMatchingRuns(api, "", { signal: stop.signal });
  assert.equal(stopped.cancelled, 0);
});

Deno.test("start, signal and re-run go through the API; JSON input is checked before sending", async () => {
  await using d = await dashboardFixture();
  const api = inProcessApi(d.app, new Request("http://localhost/"));
  assert.deepEqual(parseJsonInput('{"a": 1}'), { ok: true, value: { a: 1 } });
  assert.deepEqual(parseJsonInput(""), { ok: true, value: null });
  const bad = parseJsonInput("{a: 1}");
  assert.ok(!bad.ok && bad.error.startsWith("Invalid JSON:"));
  const started = await startRun(api, { name: "t_signal", input: { count: 1 }, workflowId: "s-1" });
  assert.equal(started.created, true);
  assert.equal(started.workflow.id, "s-1");
  await sendSignal(api, "s-1", "go", { ok: 1 });
  assert.deepEqual(await d.engine.getHandle("s-1").result(), {
    received: [{ ok: 1 }],
    timedOut: false,
  });
  const detail = await api.get<RunDetail>("/api/workflows/s-1");
  const again = await rerun(api, detail);
  assert.notEqual(again.workflow.id, "s-1");
  assert.equal(again.workflow.name, "t_signal");
  const second = await api.get<RunDetail>(`/api/workflows/${again.workflow.id}`);
  assert.deepEqual(second.input, { count: 1 }, "the same input");
});
