/**
 * Statistics: `/api/stats` (and its halves), `/api/stats/throughput`, `/api/stats/health`
 * (failure rates and recent errors; liveness and readiness are in `health.ts`) and
 * `/api/stats/processes` (who holds which partitions).
 *
 * @module
 */

import { type LoomReader, THROUGHPUT_WINDOW_MINUTES } from "../../../engine/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import type { ApiBackend } from "../../backend.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import {
  HealthStats,
  Processes,
  SystemStats,
  TaskStats,
  Throughput,
  WorkflowStats,
} from "../schemas.ts";
import {
  healthStats,
  liveStats,
  processStats,
  taskStats,
  throughput,
  workflowStats,
} from "../stats.ts";
import { errorResponses, jsonResponse } from "./_common.ts";

const Window = z.object({
  minutes: z.coerce.number().int().min(1).max(THROUGHPUT_WINDOW_MINUTES).default(10).openapi({
    description: "Whole minutes before the current one",
  }),
});

const all = createRoute({
  method: "get",
  path: "/api/stats",
  tags: ["Statistics"],
  summary: "Counts, what is in flight, and throughput",
  request: { query: Window },
  responses: { 200: jsonResponse(SystemStats, "Statistics"), ...errorResponses(400) },
});

const workflows = createRoute({
  method: "get",
  path: "/api/stats/workflows",
  tags: ["Statistics"],
  summary: "Runs by status",
  responses: { 200: jsonResponse(WorkflowStats, "Counts"), ...errorResponses() },
});

const tasks = createRoute({
  method: "get",
  path: "/api/stats/tasks",
  tags: ["Statistics"],
  summary: "Tasks by status",
  responses: { 200: jsonResponse(TaskStats, "Counts"), ...errorResponses() },
});

const rate = createRoute({
  method: "get",
  path: "/api/stats/throughput",
  tags: ["Statistics"],
  summary: "Runs started and ended per minute",
  request: { query: Window },
  responses: { 200: jsonResponse(Throughput, "Per minute"), ...errorResponses(400) },
});

const health = createRoute({
  method: "get",
  path: "/api/stats/health",
  tags: ["Statistics"],
  summary: "Failure rate, active runs, due tasks, recent errors",
  responses: { 200: jsonResponse(HealthStats, "Health"), ...errorResponses() },
});

const processes = createRoute({
  method: "get",
  path: "/api/stats/processes",
  tags: ["Statistics"],
  summary: "The processes that hold the file's partitions",
  responses: { 200: jsonResponse(Processes, "Processes"), ...errorResponses() },
});

function allRoute(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(all, async (c) => {
    const { minutes } = c.req.valid("query");
    const reader = backend.reader;
    const [w, t, ids, live, tp] = await Promise.all([
      workflowStats(reader),
      taskStats(reader),
      reader.lastIds(),
      liveStats(backend),
      throughput(reader, minutes),
    ]);
    return reply(c, SystemStats, {
      workflows: w,
      tasks: t,
      events: ids.event,
      logs: ids.log,
      live,
      throughput: tp,
    }, 200);
  });
}

function halfRoutes(app: RoutesApp, reader: LoomReader): void {
  app.openapi(workflows, async (c) => reply(c, WorkflowStats, await workflowStats(reader), 200));
  app.openapi(tasks, async (c) => reply(c, TaskStats, await taskStats(reader), 200));
  app.openapi(rate, async (c) => {
    const { minutes } = c.req.valid("query");
    return reply(c, Throughput, await throughput(reader, minutes), 200);
  });
  app.openapi(health, async (c) => reply(c, HealthStats, await healthStats(reader), 200));
}

/**
 * Registers the statistics routes.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function statsRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  allRoute(app, backend);
  halfRoutes(app, backend.reader);
  app.openapi(processes, async (c) => {
    const [owners, ready] = await Promise.all([processStats(backend.reader), backend.ready()]);
    return reply(c, Processes, { ...owners, this_process: ready.ownership?.ownerId ?? null }, 200);
  });
}
