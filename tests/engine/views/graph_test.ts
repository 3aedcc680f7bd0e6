import assert from "node:assert/strict";
import { createEngine, defaultRegistry } from "../../../engine/mod.ts";
import { buildGraph, renderGraph } from "../../../engine/views/mod.ts";
import "../../fixtures/flows.ts";

async function withEngine(fn: (engine: Awaited<ReturnType<typeof createEngine>>) => Promise<void>) {
  await using engine = await createEngine({ kvPath: ":memory:" });
  await fn(engine);
}

Deno.test("buildGraph of a definition: its steps in order, joined by sequence edges", () => {
  const g = buildGraph(defaultRegistry.getWorkflow("t_class"));
  assert.deepEqual(g.nodes.map((n) => [n.id, n.type, n.label]), [
    ["step_first", "step", "first"],
    ["step_second_step", "step", "second_step"],
  ]);
  assert.deepEqual(g.edges, [
    { from: "step_first", to: "step_second_step", type: "sequence", label: "then" },
  ]);
  assert.equal(g.nodes[1]?.metadata.function, "second");
  assert.equal(g.metadata.source, "definition");
  assert.equal(g.metadata.workflow_id, null);
});

Deno.test("buildGraph of a run: timers, signals and state writes per step, with statuses", () =>
  withEngine(async (engine) => {
    const h = await engine.start("t_signal", { sleepFirst: 10 }, { workflowId: "g" });
    await new Promise((r) => setTimeout(r, 50));
    const def = engine.registry.getWorkflow("t_signal");
    const waiting = buildGraph(def, { id: "g", events: await engine.reader.eventsOf("g") });
    const signal = waiting.nodes.find((n) => n.type === "signal");
    assert.equal(signal?.label, "Signal go");
    assert.equal(signal?.metadata.status, "waiting");
    assert.equal(waiting.nodes.find((n) => n.id === "step_wait")?.metadata.status, "running");
    await h.signal("go", 1);
    await h.result();
    const g = buildGraph(def, { id: "g", events: await engine.reader.eventsOf("g") });
    const timer = g.nodes.find((n) => n.type === "timer");
    assert.equal(timer?.label, "Sleep 10ms");
    assert.equal(timer?.metadata.status, "fired");
    assert.equal(g.nodes.find((n) => n.type === "signal")?.metadata.status, "received");
    assert.deepEqual(g.nodes.filter((n) => n.type === "state").map((n) => n.id).sort(), [
      "state_received",
      "state_timedOut",
    ]);
    assert.deepEqual(
      g.edges.map((e) => `${e.from} ${e.type} ${e.to}`).sort(),
      [
        "step_wait waits signal_go_wait",
        "step_wait waits timer_wait_0",
        "step_wait writes state_received",
        "step_wait writes state_timedOut",
      ],
    );
    assert.equal(g.nodes.find((n) => n.id === "step_wait")?.metadata.status, "completed");
  }));

Deno.test("buildGraph marks bulk state updates, repeated calls and the failed step", () =>
  withEngine(async (engine) => {
    await (await engine.start("t_state", null, { workflowId: "s" })).result();
    const s = buildGraph(engine.registry.getWorkflow("t_state"), {
      id: "s",
      events: await engine.reader.eventsOf("s"),
    });
    assert.ok(s.nodes.some((n) => n.id === "state_bulk_update"));
    await (await engine.start("t_twice", null, { workflowId: "two" })).result();
    const two = buildGraph(engine.registry.getWorkflow("t_twice"), {
      id: "two",
      events: await engine.reader.eventsOf("two"),
    });
    const doubled = two.nodes.filter((n) => n.type === "activity");
    assert.deepEqual(doubled.map((n) => [n.id, n.metadata.calls]), [["activity_t_double_run", 2]]);
    await assert.rejects((await engine.start("t_throw", null, { workflowId: "t" })).result());
    const t = buildGraph(engine.registry.getWorkflow("t_throw"), {
      id: "t",
      events: await engine.reader.eventsOf("t"),
    });
    assert.equal(t.nodes[0]?.metadata.status, "failed");
  }));

Deno.test("renderGraph: mermaid shapes and arrows, dot with escaped labels, json round trip", () => {
  const graph = {
    nodes: [
      { id: "step_a", type: "step" as const, label: 'say "hi"', metadata: {} },
      { id: "activity_x_a", type: "activity" as const, label: "x", metadata: {} },
      { id: "timer_a_0", type: "timer" as const, label: "Sleep 2s", metadata: {} },
      { id: "signal_go_a", type: "signal" as const, label: "Signal go", metadata: {} },
      { id: "state_k", type: "state" as const, label: "state.k", metadata: {} },
    ],
    edges: [
      { from: "step_a", to: "activity_x_a", type: "calls" as const, label: "executes" },
      { from: "step_a", to: "timer_a_0", type: "waits" as const, label: "pauses for" },
    ],
    metadata: {
      workflow_name: "w",
      workflow_version: "1",
      workflow_description: "",
      workflow_id: null,
      source: "definition" as const,
    },
  };
  assert.equal(
    renderGraph(graph, "mermaid"),
    [
      "graph TD",
      '    step_a["say #quot;hi#quot;"]',
      '    activity_x_a("x")',
      '    timer_a_0[["Sleep 2s"]]',
      '    signal_go_a>"Signal go"]',
      '    state_k{"state.k"}',
      "    step_a -->|executes| activity_x_a",
      "    step_a -.->|pauses for| timer_a_0",
    ].join("\n"),
  );
  const dot = renderGraph(graph, "dot");
  assert.match(dot, /^digraph workflow \{\n {4}rankdir=TB;/);
  assert.match(dot, /step_a \[label="say \\"hi\\"", shape=box/);
  assert.match(dot, /step_a -> timer_a_0 \[label="pauses for", style=dotted\];/);
  assert.deepEqual(JSON.parse(renderGraph(graph, "json")), graph);
});
