/**
 * A run's status on each node of its graph: done, running, failed, waiting, not reached (and
 * cancelled), from the node statuses the API's graph carries (`metadata.status`).
 *
 * @module
 */

import type { GraphNode, RunStatus, WorkflowGraph } from "./types.ts";

/** What a node shows. `none`: a definition's graph, which has no run. */
export type NodeOverlay =
  | "done"
  | "running"
  | "failed"
  | "waiting"
  | "not-reached"
  | "cancelled"
  | "none";

/** The words shown for each overlay. */
export const OVERLAY_TEXT: Readonly<Record<NodeOverlay, string>> = {
  done: "done",
  running: "running",
  failed: "failed",
  waiting: "waiting",
  "not-reached": "not reached",
  cancelled: "cancelled",
  none: "",
};

function base(node: GraphNode, ended: boolean): NodeOverlay {
  const s = node.metadata.status;
  if (node.type === "state") return "done";
  if (typeof s !== "string") return "none";
  switch (s) {
    case "completed":
    case "fired":
    case "received":
      return "done";
    case "running":
    case "retrying":
      return ended ? "cancelled" : "running";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    case "waiting":
      return ended ? "cancelled" : "waiting";
    case "pending":
      if (node.type === "timer") return ended ? "cancelled" : "waiting";
      return "not-reached";
    default:
      return "none";
  }
}

/**
 * The overlay of every node of a run's graph. A running step whose timer or signal is pending
 * is `waiting`.
 *
 * @param graph The graph (of a run: its nodes carry statuses).
 * @param runStatus The run's status (`undefined` for a definition's graph).
 * @returns Overlay by node id.
 */
export function overlays(graph: WorkflowGraph, runStatus?: RunStatus): Record<string, NodeOverlay> {
  const out: Record<string, NodeOverlay> = {};
  if (runStatus === undefined || graph.metadata.workflow_id === null) {
    for (const n of graph.nodes) out[n.id] = "none";
    return out;
  }
  const ended = runStatus !== "RUNNING";
  for (const n of graph.nodes) out[n.id] = base(n, ended);
  for (const e of graph.edges) {
    if (e.type !== "waits") continue;
    if (out[e.from] === "running" && out[e.to] === "waiting") out[e.from] = "waiting";
  }
  return out;
}
