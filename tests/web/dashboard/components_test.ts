import assert from "node:assert/strict";
import { alignEvents, diffValues } from "../../../web/dashboard/components/diff.ts";
import { fmtDuration, localToIso } from "../../../web/dashboard/components/format.ts";
import { layoutGraph, mergeGraphs } from "../../../web/dashboard/components/graph_layout.ts";
import { overlays } from "../../../web/dashboard/components/graph_status.ts";
import { apiQuery, readFilter } from "../../../web/dashboard/components/run_filter.ts";
import { searchQuery } from "../../../web/dashboard/components/search.ts";
import { groupBySteps } from "../../../web/dashboard/components/timeline.tsx";
import type { RunEvent, WorkflowGraph } from "../../../web/dashboard/components/types.ts";

const ev = (id: number, type: string, payload: Record<string, unknown>, ms = id): RunEvent => ({
  id,
  workflow_id: "w",
  type,
  payload,
  created_at: new Date(ms).toISOString(),
});

Deno.test("groupBySteps() groups a history by step, with each step's end and state", () => {
  const groups = groupBySteps([
    ev(1, "WORKFLOW_STARTED", {}, 0),
    ev(2, "STEP_START", { step_name: "a" }, 10),
    ev(3, "ACTIVITY_SCHEDULED", { name: "x" }, 10),
    ev(4, "STEP_END", { step_name: "a" }, 50),
    ev(5, "STEP_START", { step_name: "b" }, 60),
    ev(6, "WORKFLOW_FAILED", { error: "no" }, 90),
  ]);
  assert.deepEqual(groups.map((g) => [g.step, g.state, g.events.map((e) => e.id), g.endMs]), [
    [null, "run", [1], 0],
    ["a", "done", [2, 3, 4], 50],
    ["b", "failed", [5, 6], 90],
  ]);
});

Deno.test("overlays() maps a run graph's node statuses to done, running, waiting, failed, not reached, cancelled", () => {
  const graph: WorkflowGraph = {
    nodes: [
      { id: "s1", type: "step", label: "s1", metadata: { status: "completed" } },
      { id: "s2", type: "step", label: "s2", metadata: { status: "running" } },
      { id: "sig", type: "signal", label: "sig", metadata: { status: "waiting" } },
      { id: "s3", type: "step", label: "s3", metadata: { status: "pending" } },
      { id: "a1", type: "activity", label: "a1", metadata: { status: "failed" } },
      { id: "a2", type: "activity", label: "a2", metadata: { status: "running" } },
      { id: "t1", type: "timer", label: "t1", metadata: { status: "pending" } },
      { id: "k", type: "state", label: "k", metadata: {} },
    ],
    edges: [{ from: "s2", to: "sig", type: "waits", label: "" }],
    metadata: {
      workflow_name: "w",
      workflow_version: "1",
      workflow_description: "",
      workflow_id: "r",
      source: "definition+history",
    },
  };
  assert.deepEqual(overlays(graph, "RUNNING"), {
    s1: "done",
    s2: "waiting",
    sig: "waiting",
    s3: "not-reached",
    a1: "failed",
    a2: "running",
    t1: "waiting",
    k: "done",
  });
  const ended = overlays(graph, "CANCELLED");
  assert.equal(ended.a2, "cancelled");
  assert.equal(ended.sig, "cancelled");
  assert.equal(ended.s3, "not-reached");
  assert.deepEqual(Object.values(overlays(graph)), Array(8).fill("none"), "no run: no status");
});

Deno.test("layoutGraph() places steps top to bottom in order; mergeGraphs() adds what runs called, once", () => {
  const meta = {
    workflow_name: "w",
    workflow_version: "1",
    workflow_description: "",
    workflow_id: null,
    source: "definition" as const,
  };
  const base: WorkflowGraph = {
    nodes: ["a", "b", "c"].map((id) => ({ id, type: "step" as const, label: id, metadata: {} })),
    edges: [
      { from: "a", to: "b", type: "sequence", label: "then" },
      { from: "b", to: "c", type: "sequence", label: "then" },
    ],
    metadata: meta,
  };
  const run: WorkflowGraph = {
    ...base,
    nodes: [...base.nodes, {
      id: "x",
      type: "activity",
      label: "x",
      metadata: { status: "completed" },
    }],
    edges: [...base.edges, { from: "a", to: "x", type: "calls", label: "" }],
  };
  const merged = mergeGraphs(base, [run, run]);
  assert.deepEqual(merged.nodes.map((n) => n.id), ["a", "b", "c", "x"]);
  assert.equal(merged.nodes[3]?.metadata.status, undefined);
  assert.equal(merged.edges.length, 3);
  const layout = layoutGraph(merged);
  const y = (id: string) => layout.nodes.find((n) => n.id === id)?.y ?? NaN;
  assert.ok(y("a") < y("b") && y("b") < y("c"), JSON.stringify(layout.nodes));
  assert.ok(layout.width > 0 && layout.height > 0);
  assert.ok(layout.edges.every((e) => e.points.length >= 2));
});

Deno.test("diffValues() marks changed, added and removed paths; alignEvents() lines up the same calls", () => {
  assert.deepEqual(diffValues({ a: 1, b: [1, 2], c: "x" }, { a: 2, b: [1], d: true }), [
    { path: "a", a: "1", b: "2", kind: "changed" },
    { path: "b[0]", a: "1", b: "1", kind: "same" },
    { path: "b[1]", a: "2", b: undefined, kind: "removed" },
    { path: "c", a: '"x"', b: undefined, kind: "removed" },
    { path: "d", a: undefined, b: "true", kind: "added" },
  ]);
  const a = [
    ev(1, "STEP_START", { step_name: "s", started_at: "t1" }),
    ev(2, "ACTIVITY_COMPLETED", { name: "pay", result: 1 }),
    ev(3, "STEP_END", { step_name: "s" }),
  ];
  const b = [
    ev(1, "STEP_START", { step_name: "s", started_at: "t2" }),
    ev(2, "ACTIVITY_COMPLETED", { name: "pay", result: 2 }),
    ev(3, "ACTIVITY_COMPLETED", { name: "refund", result: 0 }),
    ev(4, "STEP_END", { step_name: "s" }),
  ];
  assert.deepEqual(alignEvents(a, b).map((r) => r.kind), ["same", "changed", "only-b", "same"]);
});

Deno.test("run filters: from the page URL to the API query (datetime-local is UTC)", () => {
  const f = readFilter(
    new URL("http://x/workflows?status=running&id=ord-&after=2026-01-02T03:04&q=abc"),
  );
  assert.equal(f.status, "RUNNING");
  assert.equal(
    apiQuery(f, { per_page: 5 }),
    "?status=RUNNING&id_prefix=ord-&started_after=2026-01-02T03%3A04%3A00Z&per_page=5",
  );
  assert.equal(localToIso("2026-01-02T03:04:05"), "2026-01-02T03:04:05Z");
  assert.equal(localToIso(""), "");
  assert.equal(fmtDuration(125_000), "2 m 5 s");
  assert.equal(fmtDuration(850), "850 ms");
});

Deno.test("searchQuery() asks the server to search with the filters, bounded, from a cursor", () => {
  const f = readFilter(new URL("http://x/workflows?status=running&q=ORD-1&id=ord-"));
  assert.equal(
    searchQuery(f, "abc"),
    "?status=RUNNING&id_prefix=ord-&search=ORD-1&per_page=50&scan_limit=200&cursor=abc",
  );
});
