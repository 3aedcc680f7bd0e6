/**
 * Acting on runs: start (`POST /api/workflows`, idempotent on `workflow_id`), signal, cancel,
 * and the result (`GET /api/workflows/{id}/result`, optionally waiting for the end).
 *
 * @module
 */

import { type JsonValue, type LoomReader, serializeError } from "../../../engine/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import type { ApiBackend, ChangeFeed } from "../../backend.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import {
  Accepted,
  CancelRequest,
  ResultResponse,
  SignalRequest,
  StartRequest,
  StartResponse,
} from "../schemas.ts";
import { publicError, workflowSummary } from "../shapes.ts";
import { errorResponses, IdParams, jsonResponse, recordOf } from "./_common.ts";

const start = createRoute({
  method: "post",
  path: "/api/workflows",
  tags: ["Workflows"],
  summary: "Start a run (idempotent on workflow_id)",
  request: {
    body: { required: true, content: { "application/json": { schema: StartRequest } } },
  },
  responses: {
    201: jsonResponse(StartResponse, "Started"),
    200: jsonResponse(StartResponse, "A run with this workflow_id exists: that run"),
    ...errorResponses(400, 404, 409, 413, 415, 503),
  },
});

const signal = createRoute({
  method: "post",
  path: "/api/workflows/{id}/signal",
  tags: ["Workflows"],
  summary: "Send a signal to a run",
  request: {
    params: IdParams,
    body: { required: true, content: { "application/json": { schema: SignalRequest } } },
  },
  responses: {
    200: jsonResponse(Accepted, "Recorded in the run's history"),
    ...errorResponses(400, 404, 409, 413, 415, 503),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/api/workflows/{id}/cancel",
  tags: ["Workflows"],
  summary: "Ask a run to stop",
  request: {
    params: IdParams,
    body: { required: false, content: { "application/json": { schema: CancelRequest } } },
  },
  responses: {
    200: jsonResponse(Accepted, "Recorded in the run's history"),
    ...errorResponses(400, 404, 409, 413, 415, 503),
  },
});

const result = createRoute({
  method: "get",
  path: "/api/workflows/{id}/result",
  tags: ["Workflows"],
  summary: "A run's result or error; with wait=true, waits for the end (long poll)",
  request: {
    params: IdParams,
    query: z.object({
      wait: z.enum(["true", "false", "1", "0"]).default("false"),
      timeout_ms: z.coerce.number().int().min(0).optional().openapi({
        description: "Longest wait (capped by the server, 60 s by default)",
      }),
    }),
  },
  responses: {
    200: jsonResponse(ResultResponse, "The outcome, or done=false when still running"),
    ...errorResponses(400, 404),
  },
});

/**
 * Waits until a run ends, the time is up, or a signal aborts.
 *
 * @param feed The live feed.
 * @param reader The reader.
 * @param id The run.
 * @param ms Longest wait.
 * @param signals Stop waiting when any aborts.
 */
export async function waitForEnd(
  feed: ChangeFeed,
  reader: LoomReader,
  id: string,
  ms: number,
  signals: (AbortSignal | undefined)[],
): Promise<void> {
  let done!: () => void;
  const ended = new Promise<void>((resolve) => done = resolve);
  const unsubscribe = await feed.subscribe((change) => {
    if (change.workflowId === id && change.status !== "RUNNING") done();
  });
  const timer = setTimeout(done, ms);
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of live) s.addEventListener("abort", done, { once: true });
  try {
    const record = await reader.run(id);
    if (record === undefined || record.status !== "RUNNING") return;
    if (live.some((s) => s.aborted)) return;
    await ended;
  } finally {
    clearTimeout(timer);
    for (const s of live) s.removeEventListener("abort", done);
    unsubscribe();
  }
}

function startRoute(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(start, async (c) => {
    const body = c.req.valid("json");
    const handle = await backend.client.start(body.name, body.input ?? null, {
      ...(body.workflow_id === undefined ? {} : { workflowId: body.workflow_id }),
      ...(body.version === undefined ? {} : { version: body.version }),
      ...(body.if_exists === undefined ? {} : { ifExists: body.if_exists }),
    });
    const record = await recordOf(backend.reader, handle.workflowId);
    // The engine says whether this request created the run: no check-then-act here.
    const created = handle.created === true;
    const answer = { created, workflow: workflowSummary(record) };
    return created ? reply(c, StartResponse, answer, 201) : reply(c, StartResponse, answer, 200);
  });
}

function signalRoute(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(signal, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await backend.client.getHandle(id).signal(body.name, (body.data ?? null) as JsonValue);
    return reply(c, Accepted, { workflow_id: id, accepted: true }, 200);
  });
}

function cancelRoute(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await backend.client.getHandle(id).cancel(body.reason ?? "Cancelled through the HTTP API");
    return reply(c, Accepted, { workflow_id: id, accepted: true }, 200);
  });
}

function resultRoute(app: RoutesApp, { backend, options }: RouteDeps): void {
  app.openapi(result, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    let record = await recordOf(backend.reader, id);
    if (record.status === "RUNNING" && (q.wait === "true" || q.wait === "1")) {
      const ms = Math.min(q.timeout_ms ?? options.maxResultWaitMs, options.maxResultWaitMs);
      // Not the request's signal: reading it makes Deno 2.9 warn about its legacy abort.
      await waitForEnd(backend.feed, backend.reader, id, ms, [options.signal]);
      record = await recordOf(backend.reader, id);
    }
    const status = record.status as "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
    if (status === "RUNNING") {
      return reply(c, ResultResponse, { workflow_id: id, status, done: false }, 200);
    }
    try {
      const value = await backend.client.getHandle(id).result({ wait: false });
      return reply(c, ResultResponse, { workflow_id: id, status, done: true, result: value }, 200);
    } catch (e) {
      return reply(c, ResultResponse, {
        workflow_id: id,
        status,
        done: true,
        error: publicError(serializeError(e)),
      }, 200);
    }
  });
}

/**
 * Registers the routes that act on runs.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function runRoutes(app: RoutesApp, deps: RouteDeps): void {
  startRoute(app, deps.backend);
  signalRoute(app, deps.backend);
  cancelRoute(app, deps.backend);
  resultRoute(app, deps);
}
