/**
 * The graph of a workflow, from its registered definition (its steps, in order, joined by
 * `sequence` edges) and, for a run, from the run's history: the activities each step called,
 * the timers it slept on, the signals it waited for and the state keys it wrote, each with its
 * status. Rendered as Mermaid, Graphviz DOT or JSON, as in the reference.
 *
 * The reference read the workflow's Python source instead; that cannot see calls made through
 * variables or helpers, and guessed. The definition gives the steps exactly, and the history
 * shows what each step really did; what no history shows (state reads, calls a run has not made
 * yet) is not drawn.
 *
 * @module
 */

import type { WorkflowDefinition } from "../replay/definitions.ts";
import type { StoredEvent } from "../../store/mod.ts";

/** Node kinds. */
export type NodeType = "step" | "activity" | "timer" | "signal" | "state";
/** Edge kinds. */
export type EdgeType = "sequence" | "calls" | "waits" | "reads" | "writes";

/** A node. */
export interface GraphNode {
  /** Identifier, safe in Mermaid and DOT. */
  id: string;
  /** Kind. */
  type: NodeType;
  /** Text shown. */
  label: string;
  /** Extra facts (description, status, counts). */
  metadata: Record<string, unknown>;
}

/** An edge. */
export interface GraphEdge {
  /** Source node id. */
  from: string;
  /** Target node id. */
  to: string;
  /** Kind. */
  type: EdgeType;
  /** Text shown. */
  label: string;
}

/** A workflow graph. */
export interface WorkflowGraph {
  /** Nodes: steps first, in order. */
  nodes: GraphNode[];
  /** Edges. */
  edges: GraphEdge[];
  /** What the graph is of. */
  metadata: {
    workflow_name: string;
    workflow_version: string;
    workflow_description: string;
    workflow_id: string | null;
    source: "definition" | "definition+history";
  };
}

/** Output formats of {@linkcode renderGraph}. */
export type GraphFormat = "mermaid" | "dot" | "json";

class Builder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly #ids = new Map<string, GraphNode>();
  readonly #used = new Set<string>();
  readonly #edgeKeys = new Set<string>();

  node(key: string, type: NodeType, label: string, metadata: Record<string, unknown>): GraphNode {
    const existing = this.#ids.get(key);
    if (existing !== undefined) return existing;
    const base = key.replace(/[^A-Za-z0-9_]/g, "_");
    let id = base;
    for (let i = 2; this.#used.has(id); i++) id = `${base}_${i}`;
    this.#used.add(id);
    const node: GraphNode = { id, type, label, metadata };
    this.#ids.set(key, node);
    this.nodes.push(node);
    return node;
  }

  edge(from: GraphNode, to: GraphNode, type: EdgeType, label: string): void {
    const key = `${from.id}>${to.id}>${type}`;
    if (this.#edgeKeys.has(key)) return;
    this.#edgeKeys.add(key);
    this.edges.push({ from: from.id, to: to.id, type, label });
  }
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 120) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = s / 60;
  if (m < 120) return `${Number.isInteger(m) ? m : m.toFixed(1)}m`;
  return `${(m / 60).toFixed(1)}h`;
}

const ACTIVITY_STATUS: Record<string, string> = {
  ACTIVITY_COMPLETED: "completed",
  ACTIVITY_FAILED: "failed",
  ACTIVITY_RETRYING: "retrying",
  ACTIVITY_CANCELLED: "cancelled",
};

/**
 * Builds the graph of a definition, and of what a run of it did.
 *
 * @param def The workflow definition.
 * @param run A run of it: its id and events.
 * @returns The graph.
 */
export function buildGraph(
  def: WorkflowDefinition,
  run?: { id: string; events: StoredEvent[] },
): WorkflowGraph {
  const b = new Builder();
  const steps = new Map<string, GraphNode>();
  let previous: GraphNode | undefined;
  for (const step of def.steps) {
    const node = b.node(`step_${step.name}`, "step", step.name, {
      description: step.description,
      function: step.fn,
      ...(run === undefined ? {} : { status: "pending" }),
    });
    steps.set(step.name, node);
    if (previous !== undefined) b.edge(previous, node, "sequence", "then");
    previous = node;
  }
  if (run !== undefined) history(b, steps, run.events);
  return {
    nodes: b.nodes,
    edges: b.edges,
    metadata: {
      workflow_name: def.name,
      workflow_version: def.version,
      workflow_description: def.description,
      workflow_id: run?.id ?? null,
      source: run === undefined ? "definition" : "definition+history",
    },
  };
}

function history(b: Builder, steps: Map<string, GraphNode>, events: StoredEvent[]): void {
  let step: GraphNode | undefined;
  let stepName = "";
  let timers = 0;
  const bySeq = new Map<number, GraphNode>();
  const signals = new Map<string, GraphNode>();
  for (const e of events) {
    const p = e.payload as Record<string, unknown>;
    if (e.type === "STEP_START") {
      stepName = String(p.step_name);
      step = steps.get(stepName) ??
        b.node(`step_${stepName}`, "step", stepName, { description: "", function: "" });
      step.metadata.status = "running";
      continue;
    }
    if (e.type === "STEP_END") {
      const node = steps.get(String(p.step_name));
      if (node !== undefined) node.metadata.status = "completed";
      continue;
    }
    if (e.type === "WORKFLOW_FAILED" || e.type === "WORKFLOW_CANCELLED") {
      if (step?.metadata.status === "running") {
        step.metadata.status = e.type === "WORKFLOW_FAILED" ? "failed" : "cancelled";
      }
      continue;
    }
    if (e.type in ACTIVITY_STATUS) {
      const node = bySeq.get(Number(p.seq));
      if (node !== undefined) node.metadata.status = ACTIVITY_STATUS[e.type];
      continue;
    }
    if (e.type === "TIMER_FIRED" || e.type === "TIMER_CANCELLED") {
      const node = bySeq.get(Number(p.seq));
      if (node !== undefined) {
        node.metadata.status = e.type === "TIMER_FIRED" ? "fired" : "cancelled";
      }
      continue;
    }
    if (e.type === "SIGNAL_RECEIVED") {
      for (const node of signals.values()) {
        if (node.metadata.signal === p.name && node.metadata.status === "waiting") {
          node.metadata.status = "received";
        }
      }
      continue;
    }
    if (step === undefined) continue;
    switch (e.type) {
      case "ACTIVITY_SCHEDULED": {
        const name = String(p.name);
        const node = b.node(`activity_${name}_${stepName}`, "activity", name, {
          called_from_step: stepName,
          calls: 0,
        });
        node.metadata.calls = Number(node.metadata.calls) + 1;
        node.metadata.status = "running";
        bySeq.set(Number(p.seq), node);
        b.edge(step, node, "calls", "executes");
        break;
      }
      case "TIMER_SCHEDULED": {
        if (p.purpose !== "sleep") break;
        const ms = Number(p.fire_at_ms) - e.createdAt;
        const node = b.node(`timer_${stepName}_${timers++}`, "timer", `Sleep ${duration(ms)}`, {
          step: stepName,
          duration_ms: ms,
          fire_at: p.fire_at,
          status: "pending",
        });
        bySeq.set(Number(p.seq), node);
        b.edge(step, node, "waits", "pauses for");
        break;
      }
      case "SIGNAL_WAITING": {
        const name = String(p.name);
        const node = b.node(`signal_${name}_${stepName}`, "signal", `Signal ${name}`, {
          step: stepName,
          signal: name,
          ...(p.timeout_ms === undefined ? {} : { timeout_ms: p.timeout_ms }),
        });
        node.metadata.status = "waiting";
        signals.set(node.id, node);
        b.edge(step, node, "waits", "waits for");
        break;
      }
      case "STATE_SET":
      case "STATE_UPDATE": {
        const key = e.type === "STATE_SET" ? String(p.key) : "bulk_update";
        const node = b.node(`state_${key}`, "state", `state.${key}`, { key });
        b.edge(step, node, "writes", "updates");
        break;
      }
    }
  }
}

function mermaidLabel(text: string): string {
  return `"${text.replaceAll('"', "#quot;")}"`;
}

function mermaid(g: WorkflowGraph): string {
  const lines = ["graph TD"];
  for (const n of g.nodes) {
    const l = mermaidLabel(n.label);
    const shape = n.type === "step"
      ? `[${l}]`
      : n.type === "activity"
      ? `(${l})`
      : n.type === "timer"
      ? `[[${l}]]`
      : n.type === "signal"
      ? `>${l}]`
      : `{${l}}`;
    lines.push(`    ${n.id}${shape}`);
  }
  for (const e of g.edges) {
    const arrow = e.type === "reads" || e.type === "waits" ? "-.->" : "-->";
    lines.push(`    ${e.from} ${arrow}|${e.label}| ${e.to}`);
  }
  return lines.join("\n");
}

function dotText(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

const DOT_NODE: Record<NodeType, string> = {
  step: "shape=box, style=filled, fillcolor=lightblue",
  activity: "shape=ellipse, style=filled, fillcolor=lightgreen",
  timer: "shape=diamond, style=filled, fillcolor=lightyellow",
  signal: "shape=cds, style=filled, fillcolor=lightpink",
  state: "shape=hexagon, style=filled, fillcolor=lightcoral",
};

function dot(g: WorkflowGraph): string {
  const lines = [
    "digraph workflow {",
    "    rankdir=TB;",
    '    node [fontname="Arial"];',
    '    edge [fontname="Arial"];',
  ];
  for (const n of g.nodes) {
    lines.push(`    ${n.id} [label=${dotText(n.label)}, ${DOT_NODE[n.type]}];`);
  }
  for (const e of g.edges) {
    const style = e.type === "reads"
      ? ", style=dashed"
      : e.type === "waits"
      ? ", style=dotted"
      : "";
    lines.push(`    ${e.from} -> ${e.to} [label=${dotText(e.label)}${style}];`);
  }
  lines.push("}");
  return lines.join("\n");
}

/**
 * Renders a graph.
 *
 * @param graph The graph.
 * @param format `mermaid`, `dot` or `json`.
 * @returns The text.
 */
export function renderGraph(graph: WorkflowGraph, format: GraphFormat): string {
  if (format === "mermaid") return mermaid(graph);
  if (format === "dot") return dot(graph);
  return JSON.stringify(graph, null, 2);
}
