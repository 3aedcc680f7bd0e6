/**
 * Read models shared by the HTTP API, the CLI and the dashboard: the reader over a KV file, what
 * clients see of a run, how a finished run reads as a result, a run's state from its events, and
 * the graph of a workflow. They read; they never run anything.
 *
 * @example
 * ```ts
 * import { isTerminal, stateFromEvents } from "./mod.ts";
 *
 * console.assert(isTerminal("COMPLETED") && !isTerminal("RUNNING"));
 * console.assert(stateFromEvents([]).constructor === Object);
 * ```
 *
 * @module
 */

export {
  buildGraph,
  type EdgeType,
  type GraphEdge,
  type GraphFormat,
  type GraphNode,
  type NodeType,
  renderGraph,
  type WorkflowGraph,
} from "./graph.ts";
export { isTerminal, outcomeError } from "./outcome.ts";
export { LoomReader, THROUGHPUT_WINDOW_MINUTES } from "./reader.ts";
export { publicEvent, publicPayload, REDACTED } from "./redact.ts";
export { stateFromEvents } from "./run_state.ts";
export { runInfo, runSummary } from "./runs.ts";
export { readOfRun, storedDataError } from "./stored_data.ts";
