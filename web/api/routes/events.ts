/**
 * Events and logs of all runs: `GET /api/events`, `GET /api/events/{event_id}`, `GET
 * /api/logs`, `/api/logs/errors`, `/api/logs/recent`. (`/api/events/stream` is registered
 * before `/api/events/{event_id}` by the stream module, so the id route cannot shadow it.)
 *
 * @module
 */

import type { LoomReader } from "../../../engine/mod.ts";
import type { LogFilter, StoredEvent } from "../../../store/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import { ApiError, HttpErrorCode } from "../errors.ts";
import { pagingFields, parseTime, TimeParam } from "../params.ts";
import { EventDetail, EventDetailPage, LogPage } from "../schemas.ts";
import { eventDetail } from "../shapes.ts";
import { EventTypeParam, typedEventPage, typeFilter } from "../event_types.ts";
import { errorResponses, jsonResponse, logPage } from "./_common.ts";

const LevelParam = z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]);

const list = createRoute({
  method: "get",
  path: "/api/events",
  tags: ["Events"],
  summary: "Events of all runs",
  request: {
    query: z.object({
      ...pagingFields(100),
      sort_by: z.enum(["id", "created_at"]).default("id"),
      workflow_id: z.string().optional(),
      type: EventTypeParam.optional(),
      since: TimeParam.optional(),
    }),
  },
  responses: { 200: jsonResponse(EventDetailPage, "A page of events"), ...errorResponses(400) },
});

const one = createRoute({
  method: "get",
  path: "/api/events/{event_id}",
  tags: ["Events"],
  summary: "One event by its global id",
  request: {
    params: z.object({
      event_id: z.string().openapi({ param: { name: "event_id", in: "path" }, example: "42" }),
    }),
  },
  responses: { 200: jsonResponse(EventDetail, "The event"), ...errorResponses(404) },
});

const logs = createRoute({
  method: "get",
  path: "/api/logs",
  tags: ["Logs"],
  summary: "Log entries of all runs",
  request: {
    query: z.object({
      ...pagingFields(100),
      sort_by: z.enum(["created_at", "id"]).default("created_at"),
      workflow_id: z.string().optional(),
      level: LevelParam.optional(),
      since: TimeParam.optional(),
    }),
  },
  responses: { 200: jsonResponse(LogPage, "A page of log entries"), ...errorResponses(400) },
});

const errorsRoute = createRoute({
  method: "get",
  path: "/api/logs/errors",
  tags: ["Logs"],
  summary: "ERROR log entries, newest first",
  request: {
    query: z.object({
      page: z.coerce.number().int().min(1).default(1),
      per_page: z.coerce.number().int().min(1).max(1000).default(100),
      workflow_id: z.string().optional(),
      since: TimeParam.optional(),
    }),
  },
  responses: { 200: jsonResponse(LogPage, "A page of log entries"), ...errorResponses(400) },
});

const recent = createRoute({
  method: "get",
  path: "/api/logs/recent",
  tags: ["Logs"],
  summary: "Log entries, newest first",
  request: {
    query: z.object({
      page: z.coerce.number().int().min(1).default(1),
      per_page: z.coerce.number().int().min(1).max(1000).default(50),
    }),
  },
  responses: { 200: jsonResponse(LogPage, "A page of log entries"), ...errorResponses(400) },
});

async function details(reader: LoomReader, events: StoredEvent[]) {
  const ids = [...new Set(events.map((e) => e.workflowId))];
  const records = await reader.runs(ids);
  const byId = new Map(ids.map((id, i) => [id, records[i]]));
  return events.map((e) => eventDetail(e, byId.get(e.workflowId)));
}

function listRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const since = parseTime(q.since, "since");
    const filter = {
      ...(q.workflow_id === undefined ? {} : { workflowId: q.workflow_id }),
      ...(since === undefined ? {} : { since }),
    };
    const { items, meta } = await typedEventPage(reader, filter, typeFilter(q.type), {
      page: q.page ?? 1,
      perPage: q.per_page,
      newestFirst: q.sort_order === "desc",
    });
    return reply(c, EventDetailPage, { data: await details(reader, items), meta }, 200);
  });
}

function oneRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(one, async (c) => {
    const { event_id } = c.req.valid("param");
    const found = /^\d{1,15}$/.test(event_id) ? await reader.event(Number(event_id)) : undefined;
    if (found === undefined) {
      throw new ApiError(HttpErrorCode.EventNotFound, `Event "${event_id}" not found`);
    }
    const [answer] = await details(reader, [found]);
    return reply(c, EventDetail, answer as NonNullable<typeof answer>, 200);
  });
}

function logRoutes(app: RoutesApp, reader: LoomReader): void {
  app.openapi(logs, async (c) => {
    const q = c.req.valid("query");
    const since = parseTime(q.since, "since");
    const filter: LogFilter = {
      ...(q.workflow_id === undefined ? {} : { workflowId: q.workflow_id }),
      ...(q.level === undefined ? {} : { levels: [q.level] }),
      ...(since === undefined ? {} : { since }),
    };
    const body = await logPage(reader, filter, q.page ?? 1, q.per_page, q.sort_order === "asc");
    return reply(c, LogPage, body, 200);
  });
}

function errorLogRoutes(app: RoutesApp, reader: LoomReader): void {
  app.openapi(errorsRoute, async (c) => {
    const q = c.req.valid("query");
    const since = parseTime(q.since, "since");
    const filter: LogFilter = {
      levels: ["ERROR"],
      ...(q.workflow_id === undefined ? {} : { workflowId: q.workflow_id }),
      ...(since === undefined ? {} : { since }),
    };
    return reply(c, LogPage, await logPage(reader, filter, q.page, q.per_page, false), 200);
  });
  app.openapi(recent, async (c) => {
    const q = c.req.valid("query");
    return reply(c, LogPage, await logPage(reader, {}, q.page, q.per_page, false), 200);
  });
}

/**
 * Registers the event and log routes.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function eventRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  listRoute(app, backend.reader);
  oneRoute(app, backend.reader);
  logRoutes(app, backend.reader);
  errorLogRoutes(app, backend.reader);
}
