/**
 * Reading runs: `GET /api/workflows` (filters, pages or cursor), `GET /api/workflows/{id}`, and
 * a run's events and logs.
 *
 * @module
 */

import { type LoomReader, stateFromEvents } from "../../../engine/mod.ts";
import type { WorkflowRecord } from "../../../store/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import { ApiError, HttpErrorCode } from "../errors.ts";
import {
  decodeCursor,
  encodeCursor,
  fingerprint,
  offsetMeta,
  pagingFields,
  parseTime,
  TimeParam,
} from "../params.ts";
import { FilterFields, readRunFilter, SEARCH_SCAN, searchPage } from "../run_filter.ts";
import { EventPage, LogPage, WorkflowDetail, WorkflowPage } from "../schemas.ts";
import { eventSummary, workflowDetail, workflowSummary } from "../shapes.ts";
import { EventTypeParam, typedEventPage, typeFilter } from "../event_types.ts";
import { errorResponses, IdParams, jsonResponse, logPage, recordOf } from "./_common.ts";

/** Most runs sorted in memory when `sort_by` is not `created_at`. */
export const MAX_SORTED_RUNS = 10_000;

const SORTABLE = ["created_at", "updated_at", "name", "status", "id"] as const;

const ListQuery = z.object({
  ...pagingFields(50),
  sort_by: z.enum(SORTABLE).default("created_at"),
  ...FilterFields,
  scan_limit: z.coerce.number().int().min(1).max(SEARCH_SCAN.max).default(SEARCH_SCAN.default)
    .openapi({ description: "With `search`: most runs examined for this page" }),
  cursor: z.string().optional().openapi({
    description: "From `meta.next_cursor`; with sort_by=created_at only",
  }),
});

const PageOfWorkflows = WorkflowPage;

const list = createRoute({
  method: "get",
  path: "/api/workflows",
  tags: ["Workflows"],
  summary: "List runs, newest first",
  request: { query: ListQuery },
  responses: { 200: jsonResponse(PageOfWorkflows, "A page of runs"), ...errorResponses(400) },
});

const LevelParam = z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]);

const detail = createRoute({
  method: "get",
  path: "/api/workflows/{id}",
  tags: ["Workflows"],
  summary: "One run, with its input and current state",
  request: { params: IdParams },
  responses: { 200: jsonResponse(WorkflowDetail, "The run"), ...errorResponses(404) },
});

const events = createRoute({
  method: "get",
  path: "/api/workflows/{id}/events",
  tags: ["Workflows"],
  summary: "A run's events",
  request: {
    params: IdParams,
    query: z.object({
      ...pagingFields(100),
      sort_by: z.enum(["id", "created_at"]).default("id"),
      type: EventTypeParam.optional(),
      since: TimeParam.optional(),
    }),
  },
  responses: {
    200: jsonResponse(EventPage, "A page of events"),
    ...errorResponses(400, 404),
  },
});

const logs = createRoute({
  method: "get",
  path: "/api/workflows/{id}/logs",
  tags: ["Workflows"],
  summary: "A run's log entries",
  request: {
    params: IdParams,
    query: z.object({
      ...pagingFields(100),
      sort_by: z.enum(["created_at", "id"]).default("created_at"),
      level: LevelParam.optional(),
      since: TimeParam.optional(),
    }),
  },
  responses: {
    200: jsonResponse(LogPage, "A page of log entries"),
    ...errorResponses(400, 404),
  },
});

function compareBy(field: typeof SORTABLE[number]) {
  const get = (r: WorkflowRecord): string | number =>
    field === "updated_at"
      ? r.updatedAt
      : field === "name"
      ? r.name
      : field === "status"
      ? r.status
      : field === "id"
      ? r.id
      : r.createdAt;
  return (a: WorkflowRecord, b: WorkflowRecord) => {
    const x = get(a);
    const y = get(b);
    if (x !== y) return x < y ? -1 : 1;
    return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

/**
 * Registers the routes that read runs.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function workflowRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  listRoute(app, backend.reader);
  detailRoute(app, backend.reader);
  eventsRoute(app, backend.reader);
  logsRoute(app, backend.reader);
}

// One function per route: TypeScript counts type instantiations per top-level statement.

function listRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const { filter, search } = readRunFilter(q);
    const oldestFirst = q.sort_order === "asc";
    const perPage = q.per_page;
    if (search !== undefined) {
      if (q.sort_by !== "created_at" || q.page !== undefined) {
        throw new ApiError(
          HttpErrorCode.InvalidRequest,
          'Invalid query: "search" pages by cursor, sorted by created_at: leave out "page" and "sort_by"',
        );
      }
      const body = await searchPage(reader, filter, search, {
        per_page: perPage,
        oldestFirst,
        cursor: q.cursor,
        scanLimit: q.scan_limit,
      });
      return reply(c, PageOfWorkflows, body, 200);
    }
    if (q.sort_by !== "created_at") {
      if (q.cursor !== undefined) {
        throw new ApiError(
          HttpErrorCode.InvalidRequest,
          `Invalid query parameter "cursor": cursors work with sort_by=created_at only, not "${q.sort_by}"`,
        );
      }
      const all = await reader.queryRuns(filter, { limit: MAX_SORTED_RUNS + 1 });
      if (all.more) {
        throw new ApiError(
          HttpErrorCode.InvalidRequest,
          `Cannot sort by "${q.sort_by}": more than ${MAX_SORTED_RUNS} runs match; narrow the filters or sort by created_at`,
        );
      }
      const sorted = all.items.sort(compareBy(q.sort_by));
      if (!oldestFirst) sorted.reverse();
      const page = q.page ?? 1;
      const items = sorted.slice((page - 1) * perPage, page * perPage);
      return reply(c, PageOfWorkflows, {
        data: items.map(workflowSummary),
        meta: offsetMeta(page, perPage, sorted.length),
      }, 200);
    }
    const query = fingerprint({ filter, oldestFirst });
    const next = (items: WorkflowRecord[], more: boolean) => {
      const last = items.at(-1);
      return more && last !== undefined
        ? encodeCursor({ q: query, t: last.createdAt, id: last.id })
        : null;
    };
    if (q.cursor !== undefined) {
      if (q.page !== undefined) {
        throw new ApiError(
          HttpErrorCode.InvalidRequest,
          'Invalid query: give "page" or "cursor", not both',
        );
      }
      const at = decodeCursor(q.cursor, query);
      const result = await reader.queryRuns(filter, {
        oldestFirst,
        after: { createdAt: at.t, id: at.id },
        limit: perPage,
      });
      return reply(c, PageOfWorkflows, {
        data: result.items.map(workflowSummary),
        meta: {
          page: null,
          per_page: perPage,
          total: null,
          pages: null,
          has_prev: true,
          has_next: result.more,
          next_cursor: next(result.items, result.more),
        },
      }, 200);
    }
    const page = q.page ?? 1;
    const [result, total] = await Promise.all([
      reader.queryRuns(filter, { oldestFirst, offset: (page - 1) * perPage, limit: perPage }),
      reader.countRuns(filter),
    ]);
    return reply(c, PageOfWorkflows, {
      data: result.items.map(workflowSummary),
      meta: { ...offsetMeta(page, perPage, total), next_cursor: next(result.items, result.more) },
    }, 200);
  });
}

function detailRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(detail, async (c) => {
    const { id } = c.req.valid("param");
    const record = await recordOf(reader, id);
    const input = await reader.input(record);
    const state = record.status === "RUNNING" || record.result === undefined
      ? stateFromEvents(await reader.eventsOf(id))
      : await reader.result(record) as Record<string, unknown>;
    return reply(c, WorkflowDetail, workflowDetail(record, input, state ?? {}), 200);
  });
}

function eventsRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(events, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await recordOf(reader, id);
    const since = parseTime(q.since, "since");
    const filter = { workflowId: id, ...(since === undefined ? {} : { since }) };
    const { items, meta } = await typedEventPage(reader, filter, typeFilter(q.type), {
      page: q.page ?? 1,
      perPage: q.per_page,
      newestFirst: q.sort_order === "desc",
    });
    return reply(c, EventPage, { data: items.map(eventSummary), meta }, 200);
  });
}

function logsRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(logs, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await recordOf(reader, id);
    const since = parseTime(q.since, "since");
    const filter = {
      workflowId: id,
      ...(q.level === undefined ? {} : { levels: [q.level] }),
      ...(since === undefined ? {} : { since }),
    };
    const body = await logPage(reader, filter, q.page ?? 1, q.per_page, q.sort_order === "asc");
    return reply(c, LogPage, body, 200);
  });
}
