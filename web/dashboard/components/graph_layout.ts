/**
 * Lays out a workflow graph with dagre (steps top to bottom in order, what each step called
 * beside it), into positions an SVG can draw. Runs on the server for the first render and in
 * the browser when a live run's graph grows.
 *
 * @module
 */

import { dagre } from "../_deps.ts";
import type { WorkflowGraph } from "./types.ts";

/** A placed node. */
export interface PlacedNode {
  /** Node id. */
  id: string;
  /** Kind (`step`, `activity`, ...). */
  type: string;
  /** Text shown. */
  label: string;
  /** Centre x. */
  x: number;
  /** Centre y. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
  /** Extra line (a call count, a duration). */
  note: string;
}

/** A placed edge. */
export interface PlacedEdge {
  /** Source id. */
  from: string;
  /** Target id. */
  to: string;
  /** Kind (`sequence`, `calls`, ...). */
  type: string;
  /** Polyline points. */
  points: { x: number; y: number }[];
}

/** A laid-out graph. */
export interface GraphLayout {
  /** Width of the drawing. */
  width: number;
  /** Height of the drawing. */
  height: number;
  /** Nodes. */
  nodes: PlacedNode[];
  /** Edges. */
  edges: PlacedEdge[];
}

const NODE_H = 44;
const PAD = 12;

function note(n: WorkflowGraph["nodes"][number]): string {
  const m = n.metadata;
  if (n.type === "activity" && typeof m.calls === "number" && m.calls > 1) return `× ${m.calls}`;
  if (
    n.type === "step" && typeof m.function === "string" && m.function !== "" &&
    m.function !== n.label
  ) {
    return `${m.function}()`;
  }
  return n.type;
}

/**
 * Lays out a graph.
 *
 * @param graph The graph.
 * @returns Positions of nodes and edge polylines.
 */
export function layoutGraph(graph: WorkflowGraph): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, marginx: PAD, marginy: PAD });
  g.setDefaultEdgeLabel(() => ({}));
  const widths = new Map<string, number>();
  for (const n of graph.nodes) {
    const w = Math.min(260, Math.max(110, Math.max(n.label.length, note(n).length) * 7.4 + 28));
    widths.set(n.id, w);
    g.setNode(n.id, { width: w, height: NODE_H });
  }
  for (const e of graph.edges) {
    if (g.hasNode(e.from) && g.hasNode(e.to)) {
      g.setEdge(e.from, e.to, { weight: e.type === "sequence" ? 4 : 1 });
    }
  }
  dagre.layout(g);
  const nodes: PlacedNode[] = graph.nodes.map((n) => {
    const p = g.node(n.id) as { x: number; y: number };
    return {
      id: n.id,
      type: n.type,
      label: n.label,
      x: Math.round(p.x),
      y: Math.round(p.y),
      w: Math.round(widths.get(n.id) ?? 110),
      h: NODE_H,
      note: note(n),
    };
  });
  const edges: PlacedEdge[] = graph.edges.filter((e) => g.hasEdge(e.from, e.to)).map((e) => ({
    from: e.from,
    to: e.to,
    type: e.type,
    points: ((g.edge(e.from, e.to) as { points?: { x: number; y: number }[] }).points ?? [])
      .map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) })),
  }));
  const info = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(info.width ?? 0),
    height: Math.ceil(info.height ?? 0),
    nodes,
    edges,
  };
}

/**
 * Merges graphs of one definition: the definition's steps, and what recorded runs called
 * (activities, timers, signals, state keys), each node once. Node statuses are dropped.
 *
 * @param base The definition's graph.
 * @param runs Graphs of its recorded runs.
 * @returns The merged graph.
 */
export function mergeGraphs(base: WorkflowGraph, runs: WorkflowGraph[]): WorkflowGraph {
  const nodes = new Map<string, WorkflowGraph["nodes"][number]>();
  const edges = new Map<string, WorkflowGraph["edges"][number]>();
  const strip = (n: WorkflowGraph["nodes"][number]) => {
    const { status: _status, ...metadata } = n.metadata;
    return { ...n, metadata };
  };
  for (const g of [base, ...runs]) {
    for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, strip(n));
    for (const e of g.edges) edges.set(`${e.from}>${e.to}>${e.type}`, e);
  }
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    metadata: {
      ...base.metadata,
      source: runs.length > 0 ? "definition+history" : "definition",
    },
  };
}
