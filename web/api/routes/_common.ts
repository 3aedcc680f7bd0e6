/**
 * Pieces shared by the route modules: error responses for the OpenAPI document, and lookups
 * that answer 404 for unknown ids.
 *
 * @module
 */

import { type LoomReader, WorkflowNotFoundError } from "../../../engine/mod.ts";
import type { EventFilter, LogFilter, WorkflowRecord } from "../../../store/mod.ts";
import { offsetMeta } from "../params.ts";
import { logEntry } from "../shapes.ts";
import { z } from "../../_deps.ts";
import { ErrorBody, WorkflowId } from "../schemas.ts";

const TEXT: Record<number, string> = {
  400: "Invalid request (names the parameter or field)",
  401: "Missing or wrong token",
  404: "Unknown id or name",
  409: "The run's state does not allow it",
  410: "Gone: the hook's timeout has passed",
  413: "Body larger than the limit",
  415: "Body is not JSON",
  503: "No engine to carry it out",
};

/**
 * Error responses of a route, for the OpenAPI document.
 *
 * @param statuses The statuses the route may answer besides success.
 * @returns Response objects with the error body schema.
 */
export function errorResponses(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: { "application/json": { schema: typeof ErrorBody } } }
  > = {};
  for (const s of [401, ...statuses]) {
    out[s] = {
      description: TEXT[s] ?? "Error",
      content: { "application/json": { schema: ErrorBody } },
    };
  }
  return out;
}

/**
 * A JSON response object for the OpenAPI document.
 *
 * @param schema The body's schema.
 * @param description What it is.
 * @returns The response object.
 */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** Path parameter `id`: a run id. */
export const IdParams = z.object({
  id: WorkflowId.openapi({ param: { name: "id", in: "path" }, example: "order-1" }),
});

/**
 * Reads a run's record.
 *
 * @param reader The reader.
 * @param id Run id.
 * @returns The record.
 * @throws {WorkflowNotFoundError} When there is no such run.
 */
export async function recordOf(reader: LoomReader, id: string): Promise<WorkflowRecord> {
  const record = await reader.run(id);
  if (record === undefined) throw new WorkflowNotFoundError(id);
  return record;
}

/**
 * One page of log entries with the total that matches, in the reference's shape.
 *
 * @param reader The reader.
 * @param filter What to match.
 * @param page Page number, from 1.
 * @param perPage Page size.
 * @param oldestFirst Order.
 * @returns `{ data, meta }`.
 */
export async function logPage(
  reader: LoomReader,
  filter: LogFilter,
  page: number,
  perPage: number,
  oldestFirst: boolean,
) {
  const [result, total] = await Promise.all([
    reader.queryLogs(filter, { oldestFirst, offset: (page - 1) * perPage, limit: perPage }),
    reader.countLogs(filter),
  ]);
  return { data: result.items.map(logEntry), meta: offsetMeta(page, perPage, total) };
}

/**
 * One page of events with the total that matches.
 *
 * @param reader The reader.
 * @param filter What to match.
 * @param page Page number, from 1.
 * @param perPage Page size.
 * @param newestFirst Order.
 * @returns The events and the offset paging metadata.
 */
export async function eventPage(
  reader: LoomReader,
  filter: EventFilter,
  page: number,
  perPage: number,
  newestFirst: boolean,
) {
  const [result, total] = await Promise.all([
    reader.queryEvents(filter, { newestFirst, offset: (page - 1) * perPage, limit: perPage }),
    reader.countEvents(filter),
  ]);
  return { items: result.items, meta: offsetMeta(page, perPage, total) };
}
