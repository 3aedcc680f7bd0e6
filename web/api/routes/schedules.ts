/**
 * Schedules: `GET`/`POST /api/schedules`, `GET`/`DELETE /api/schedules/{id}`, and
 * `POST /api/schedules/{id}/trigger|pause|resume`. The backend's client does the work (the
 * engine, or a reader's KV client: schedules live in KV, the owner of their partition fires
 * them).
 *
 * @module
 */

import { createRoute, z } from "../../_deps.ts";
import type { ApiBackend } from "../../backend.ts";
import { reply, type RouteDeps, type RoutesApp } from "../context.ts";
import {
  CreateScheduleRequest,
  Schedule,
  ScheduleDeleted,
  scheduleJson,
  ScheduleList,
  TriggerResponse,
} from "../schedule_schemas.ts";
import { errorResponses, jsonResponse } from "./_common.ts";

const Params = z.object({
  id: z.string().min(1).openapi({
    param: { name: "id", in: "path" },
    example: "weekday-report",
  }),
});

const TAGS = ["Schedules"];

const list = createRoute({
  method: "get",
  path: "/api/schedules",
  tags: TAGS,
  summary: "List the schedules, by id",
  responses: { 200: jsonResponse(ScheduleList, "The schedules"), ...errorResponses() },
});

const create = createRoute({
  method: "post",
  path: "/api/schedules",
  tags: TAGS,
  summary: "Create a schedule (runs started on a cron expression)",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateScheduleRequest } },
    },
  },
  responses: {
    201: jsonResponse(Schedule, "Created"),
    ...errorResponses(400, 404, 409, 413, 415, 503),
  },
});

const detail = createRoute({
  method: "get",
  path: "/api/schedules/{id}",
  tags: TAGS,
  summary: "One schedule",
  request: { params: Params },
  responses: { 200: jsonResponse(Schedule, "The schedule"), ...errorResponses(400, 404) },
});

const remove = createRoute({
  method: "delete",
  path: "/api/schedules/{id}",
  tags: TAGS,
  summary: "Delete a schedule (the runs it started are kept)",
  request: { params: Params },
  responses: {
    200: jsonResponse(ScheduleDeleted, "Deleted"),
    ...errorResponses(400, 404, 503),
  },
});

const trigger = createRoute({
  method: "post",
  path: "/api/schedules/{id}/trigger",
  tags: TAGS,
  summary: "Start a run now (<id>@<the time of the call>), also while paused",
  request: { params: Params },
  responses: {
    201: jsonResponse(TriggerResponse, "Started"),
    ...errorResponses(400, 404, 503),
  },
});

function action(name: "pause" | "resume", summary: string) {
  return createRoute({
    method: "post",
    path: `/api/schedules/{id}/${name}`,
    tags: TAGS,
    summary,
    request: { params: Params },
    responses: {
      200: jsonResponse(Schedule, "The schedule"),
      ...errorResponses(400, 404, 503),
    },
  });
}

const pause = action("pause", "Pause a schedule: no fires until it is resumed");
const resume = action(
  "resume",
  "Resume a schedule from its expression's next time (fires missed while paused are not started)",
);

/**
 * Registers the schedule routes.
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function scheduleRoutes(app: RoutesApp, { backend }: RouteDeps): void {
  readRoutes(app, backend);
  writeRoutes(app, backend);
  actionRoutes(app, backend);
}

// One function per few routes: TypeScript counts type instantiations per top-level statement.

function readRoutes(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(list, async (c) => {
    const all = await backend.client.schedules.list();
    return reply(c, ScheduleList, { data: all.map(scheduleJson) }, 200);
  });
  app.openapi(detail, async (c) => {
    const { id } = c.req.valid("param");
    return reply(c, Schedule, scheduleJson(await backend.client.schedules.get(id)), 200);
  });
}

function writeRoutes(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(create, async (c) => {
    const b = c.req.valid("json");
    const created = await backend.client.schedules.create({
      id: b.id,
      cron: b.cron,
      workflow: b.workflow,
      ...(b.input === undefined ? {} : { input: b.input }),
      ...(b.overlap === undefined ? {} : { overlap: b.overlap }),
      ...(b.catchup === undefined ? {} : { catchup: b.catchup }),
      ...(b.timezone === undefined ? {} : { timezone: b.timezone }),
    });
    return reply(c, Schedule, scheduleJson(created), 201);
  });
  app.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    await backend.client.schedules.delete(id);
    return reply(c, ScheduleDeleted, { id, deleted: true }, 200);
  });
}

function actionRoutes(app: RoutesApp, backend: ApiBackend): void {
  app.openapi(trigger, async (c) => {
    const { id } = c.req.valid("param");
    const handle = await backend.client.schedules.trigger(id);
    return reply(c, TriggerResponse, {
      schedule_id: id,
      workflow_id: handle.workflowId,
      created: handle.created === true,
    }, 201);
  });
  app.openapi(pause, async (c) => {
    const { id } = c.req.valid("param");
    return reply(c, Schedule, scheduleJson(await backend.client.schedules.pause(id)), 200);
  });
  app.openapi(resume, async (c) => {
    const { id } = c.req.valid("param");
    return reply(c, Schedule, scheduleJson(await backend.client.schedules.resume(id)), 200);
  });
}
