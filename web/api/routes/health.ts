/**
 * Health: `/health`, the liveness check with the reference's shape (the only route open without a
 * token); `/health/ready`, readiness: 503 with the reason when this process cannot do its job (an
 * owner that lost its lease to another process, whose lease may have lapsed, or whose store
 * refuses writes; a reader that cannot read); and `/health/detailed`, the store round trip,
 * counts and the processes that hold which partitions, with the readiness, 503 when unhealthy.
 *
 * @module
 */

import { createRoute, type z } from "../../_deps.ts";
import type { ApiBackend } from "../../backend.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import { DetailedHealth, Health, Readiness } from "../schemas.ts";
import { iso } from "../shapes.ts";
import { processStats, taskStats, workflowStats } from "../stats.ts";
import { errorResponses, jsonResponse } from "./_common.ts";

const ping = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Liveness (no token needed)",
  security: [],
  responses: { 200: jsonResponse(Health, "Alive") },
});

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["Health"],
  summary: "Readiness: 503 with the reason when this process cannot do its job",
  responses: {
    200: jsonResponse(Readiness, "Ready"),
    503: jsonResponse(Readiness, "Not ready"),
    ...errorResponses(),
  },
});

const detailed = createRoute({
  method: "get",
  path: "/health/detailed",
  tags: ["Health"],
  summary: "Readiness, store round trip and counts",
  responses: {
    200: jsonResponse(DetailedHealth, "Healthy"),
    503: jsonResponse(DetailedHealth, "Unhealthy"),
    ...errorResponses(),
  },
});

async function readiness(backend: ApiBackend): Promise<z.infer<typeof Readiness>> {
  const r = await backend.ready();
  return {
    status: r.ready ? "ready" : "not_ready",
    timestamp: iso(Date.now()),
    role: backend.role,
    reason: r.reason ?? null,
    owner_id: r.ownership?.ownerId ?? null,
    partitions: r.ownership?.partitions ?? [],
  };
}

/**
 * Registers the health routes.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function healthRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  app.openapi(
    ping,
    (c) => reply(c, Health, { status: "healthy", timestamp: iso(Date.now()) }, 200),
  );
  app.openapi(ready, async (c) => {
    const answer = await readiness(backend);
    return answer.status === "ready"
      ? reply(c, Readiness, answer, 200)
      : c.json(Readiness.parse(answer), 503);
  });
  app.openapi(detailed, async (c) => {
    const started = performance.now();
    const reader = backend.reader;
    const state = await readiness(backend);
    const errors: string[] = state.reason === null ? [] : [`Readiness: ${state.reason}`];
    let body;
    try {
      const [w, t, owners] = await Promise.all([
        workflowStats(reader),
        taskStats(reader),
        processStats(reader),
      ]);
      body = {
        database: { status: "connected", response_time_ms: performance.now() - started },
        workflows: { total: w.total, active: w.running },
        tasks: { pending: t.pending, running: t.running },
        ...owners,
      };
    } catch (e) {
      errors.push(`Store: ${(e as Error).message}`);
      body = {
        database: { status: "error", response_time_ms: performance.now() - started },
        workflows: { total: 0, active: 0 },
        tasks: { pending: 0, running: 0 },
        partition_count: 0,
        processes: [],
      };
    }
    const answer = {
      status: errors.length === 0 ? "healthy" as const : "unhealthy" as const,
      timestamp: iso(Date.now()),
      errors,
      readiness: state,
      ...body,
    };
    return errors.length === 0
      ? reply(c, DetailedHealth, answer, 200)
      : c.json(DetailedHealth.parse(answer), 503);
  });
}
