/**
 * The API's routes, one file per group: runs (`/api/workflows`), their actions and results, the
 * live feeds, run streams, hooks, events and logs, tasks, definitions and graphs, schedules, stats
 * and health. Each adds its
 * routes to the app with what every route module receives (`RouteDeps`).
 *
 * @module
 */

export type { RouteDeps } from "../context.ts";
export { BULK_PARALLEL, bulkRoutes } from "./bulk.ts";
export { definitionRoutes } from "./definitions.ts";
export { eventRoutes } from "./events.ts";
export { healthRoutes } from "./health.ts";
export { hookRoutes } from "./hooks.ts";
export { runRoutes } from "./runs.ts";
export { scheduleRoutes } from "./schedules.ts";
export { runStreamRoutes, STREAM_POLL_MS } from "./run_streams.ts";
export { statsRoutes } from "./stats.ts";
export { streamRoutes } from "./stream.ts";
export { taskRoutes } from "./tasks.ts";
export { workflowRoutes } from "./workflows.ts";
