/**
 * Tasks: `GET /api/tasks`, `GET /api/tasks/pending` (registered before `/{task_id}`, which
 * shadowed it in the reference), `GET /api/tasks/{task_id}`.
 *
 * @module
 */

import type { LoomReader } from "../../../engine/mod.ts";
import type { TaskRecord } from "../../../store/mod.ts";
import { createRoute, z } from "../../_deps.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import { ApiError, HttpErrorCode } from "../errors.ts";
import { offsetMeta, pagingFields } from "../params.ts";
import { Task, TaskPage } from "../schemas.ts";
import { task } from "../shapes.ts";
import { errorResponses, jsonResponse } from "./_common.ts";

const SORTABLE = {
  created_at: (t: TaskRecord) => t.createdAt,
  updated_at: (t: TaskRecord) => t.updatedAt,
  run_at: (t: TaskRecord) => t.runAt,
  id: (t: TaskRecord) => t.id,
  status: (t: TaskRecord) => t.status,
  kind: (t: TaskRecord) => t.kind,
  target: (t: TaskRecord) => t.target,
  attempts: (t: TaskRecord) => t.attempts,
} as const;

const list = createRoute({
  method: "get",
  path: "/api/tasks",
  tags: ["Tasks"],
  summary: "List tasks",
  request: {
    query: z.object({
      ...pagingFields(50),
      sort_by: z.enum([...Object.keys(SORTABLE), "recent"] as [keyof typeof SORTABLE | "recent"])
        .default("created_at").openapi({
          description:
            "`recent`: open tasks newest first, then finished ones most recently finished first (the store's own order: a page reads only what it shows)",
        }),
      workflow_id: z.string().optional(),
      status: z.enum(["PENDING", "RUNNING", "COMPLETED", "FAILED"]).optional(),
      kind: z.enum(["STEP", "ACTIVITY", "TIMER"]).optional(),
    }),
  },
  responses: { 200: jsonResponse(TaskPage, "A page of tasks"), ...errorResponses(400) },
});

const pending = createRoute({
  method: "get",
  path: "/api/tasks/pending",
  tags: ["Tasks"],
  summary: "Pending tasks that are due, oldest first",
  request: {
    query: z.object({
      page: z.coerce.number().int().min(1).default(1),
      per_page: z.coerce.number().int().min(1).max(1000).default(50),
    }),
  },
  responses: { 200: jsonResponse(TaskPage, "A page of tasks"), ...errorResponses(400) },
});

const one = createRoute({
  method: "get",
  path: "/api/tasks/{task_id}",
  tags: ["Tasks"],
  summary: "One task",
  request: {
    params: z.object({
      task_id: z.string().openapi({ param: { name: "task_id", in: "path" }, example: "12" }),
    }),
  },
  responses: { 200: jsonResponse(Task, "The task"), ...errorResponses(404) },
});

function listRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    if (q.sort_by === "recent") return reply(c, TaskPage, await recentPage(reader, q), 200);
    const tasks = await reader.allTasks({
      ...(q.workflow_id === undefined ? {} : { workflowId: q.workflow_id }),
      ...(q.status === undefined ? {} : { statuses: [q.status] }),
      ...(q.kind === undefined ? {} : { kinds: [q.kind] }),
    });
    const key = SORTABLE[q.sort_by as keyof typeof SORTABLE];
    const sign = q.sort_order === "asc" ? 1 : -1;
    tasks.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return sign * (x < y ? -1 : x > y ? 1 : a.id - b.id);
    });
    const page = q.page ?? 1;
    return reply(c, TaskPage, {
      data: tasks.slice((page - 1) * q.per_page, page * q.per_page).map(task),
      meta: offsetMeta(page, q.per_page, tasks.length),
    }, 200);
  });
}

/** A page of tasks in the store's own order, with the total from the task counters. */
async function recentPage(
  reader: LoomReader,
  q: {
    page?: number | undefined;
    per_page: number;
    workflow_id?: string | undefined;
    status?: string | undefined;
    kind?: string | undefined;
  },
) {
  const page = q.page ?? 1;
  const options = {
    ...(q.workflow_id === undefined ? {} : { workflowId: q.workflow_id }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.kind === undefined ? {} : { kind: q.kind }),
  };
  const [tasks, counted] = await Promise.all([
    reader.listTasks({ ...options, limit: page * q.per_page }),
    q.workflow_id === undefined && q.kind === undefined ? reader.countTasks() : undefined,
  ]);
  const total = counted === undefined
    ? (await reader.listTasks({ ...options, limit: Number.MAX_SAFE_INTEGER })).length
    : q.status === undefined
    ? Object.values(counted).reduce((a, b) => a + b, 0)
    : counted[q.status] ?? 0;
  return {
    data: tasks.slice((page - 1) * q.per_page, page * q.per_page).map(task),
    meta: offsetMeta(page, q.per_page, total),
  };
}

function pendingRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(pending, async (c) => {
    const q = c.req.valid("query");
    const due = await reader.allTasks({ statuses: ["PENDING"], dueBy: Date.now() });
    due.sort((a, b) => a.runAt - b.runAt || a.id - b.id);
    return reply(c, TaskPage, {
      data: due.slice((q.page - 1) * q.per_page, q.page * q.per_page).map(task),
      meta: offsetMeta(q.page, q.per_page, due.length),
    }, 200);
  });
}

function oneRoute(app: RoutesApp, reader: LoomReader): void {
  app.openapi(one, async (c) => {
    const { task_id } = c.req.valid("param");
    const found = /^\d{1,15}$/.test(task_id) ? await reader.task(Number(task_id)) : undefined;
    if (found === undefined) {
      throw new ApiError(HttpErrorCode.TaskNotFound, `Task "${task_id}" not found`);
    }
    return reply(c, Task, task(found), 200);
  });
}

/**
 * Registers the task routes, static paths first.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function taskRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  listRoute(app, backend.reader);
  pendingRoute(app, backend.reader);
  oneRoute(app, backend.reader);
}
