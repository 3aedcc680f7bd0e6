/**
 * Query parameters shared by the list routes: paging, times, statuses and cursors.
 *
 * @module
 */

import { z } from "../_deps.ts";
import { workflowIdProblem } from "../../engine/mod.ts";
import { ApiError, HttpErrorCode } from "./errors.ts";
import type { StatusInput } from "./schemas.ts";

/**
 * Paging parameters: `page` (from 1), `per_page` (1 to 1000), `sort_order`.
 *
 * @param perPage Default page size.
 * @returns The schema fields.
 */
export function pagingFields(perPage: number) {
  return {
    page: z.coerce.number().int().min(1).optional().openapi({ example: 1 }),
    per_page: z.coerce.number().int().min(1).max(1000).default(perPage),
    sort_order: z.enum(["asc", "desc"]).default("desc"),
  };
}

/** A time parameter: ISO 8601 (zone-less means UTC, as the reference stored) or epoch ms. */
export const TimeParam = z.string().openapi({
  description: "ISO 8601 time (UTC when it has no zone) or milliseconds since the epoch",
  example: "2026-01-29T10:15:00Z",
});

/**
 * Reads a time parameter.
 *
 * @param value The parameter.
 * @param name Its name, for the error.
 * @returns Milliseconds since the epoch, or `undefined` when absent.
 * @throws {ApiError} `INVALID_REQUEST` when it is not a time.
 */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  let text = value.trim().replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00";
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += "Z";
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) {
    throw new ApiError(
      HttpErrorCode.InvalidRequest,
      `Invalid query parameter "${name}": ${
        JSON.stringify(value)
      } is not an ISO 8601 time or epoch milliseconds`,
    );
  }
  return ms;
}

/**
 * Maps the reference's `CANCELED` to `CANCELLED`.
 *
 * @param status A status from a request.
 * @returns The stored spelling.
 */
export function normalizeStatus(status: z.infer<typeof StatusInput>): string {
  return status === "CANCELED" ? "CANCELLED" : status;
}

/** A decoded cursor: where the previous page stopped, for one query. */
export interface Cursor {
  /** Fingerprint of the query the cursor was made for. */
  q: string;
  /** Sort key of the last item. */
  t: number;
  /** Id of the last item. */
  id: string;
}

/**
 * A short fingerprint of a query's filters and order, so that a cursor is used with its query.
 *
 * @param parts Filters and order.
 * @returns The fingerprint.
 */
export function fingerprint(parts: unknown): string {
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * Encodes a cursor (base64url of its JSON).
 *
 * @param cursor The position and query.
 * @returns The cursor text.
 */
export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

/** Longest cursor accepted: a run id of 512 code units, the query, and their encoding. */
export const MAX_CURSOR_LENGTH = 8192;

/**
 * Decodes a cursor and checks that it belongs to this query.
 *
 * @param text The cursor parameter.
 * @param query Fingerprint of this query.
 * @returns The position.
 * @throws {ApiError} `INVALID_CURSOR` when it is malformed or made for another query.
 */
export function decodeCursor(text: string, query: string): Cursor {
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (text.length > MAX_CURSOR_LENGTH) {
    throw new ApiError(
      HttpErrorCode.InvalidCursor,
      `Invalid cursor ${shown}: it is longer than any cursor from this API`,
    );
  }
  let value: unknown;
  try {
    const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    value = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
  } catch {
    throw new ApiError(
      HttpErrorCode.InvalidCursor,
      `Invalid cursor ${shown}: it is not a cursor from this API`,
    );
  }
  const c = value as Partial<Cursor>;
  if (
    typeof c !== "object" || c === null || typeof c.q !== "string" ||
    !Number.isSafeInteger(c.t) || workflowIdProblem(c.id) !== undefined
  ) {
    throw new ApiError(
      HttpErrorCode.InvalidCursor,
      `Invalid cursor ${shown}: it is not a cursor from this API`,
    );
  }
  if (c.q !== query) {
    throw new ApiError(
      HttpErrorCode.InvalidCursor,
      `Invalid cursor ${shown}: it was made for a different query (filters or order changed)`,
    );
  }
  return c as Cursor;
}

/** Page metadata for offset paging. */
export interface OffsetMeta {
  /** Page number. */
  page: number | null;
  /** Page size. */
  per_page: number;
  /** Matching items. */
  total: number | null;
  /** Number of pages. */
  pages: number | null;
  /** A previous page exists. */
  has_prev: boolean;
  /** A next page exists. */
  has_next: boolean;
  /** Cursor of the next page. */
  next_cursor: string | null;
}

/**
 * Builds the reference's page metadata: pages = ceil(total / per_page), or 1 when total is 0.
 *
 * @param page Page number.
 * @param perPage Page size.
 * @param total Matching items.
 * @returns The metadata.
 */
export function offsetMeta(page: number, perPage: number, total: number): OffsetMeta {
  const pages = total === 0 ? 1 : Math.ceil(total / perPage);
  return {
    page,
    per_page: perPage,
    total,
    pages,
    has_prev: page > 1,
    has_next: page < pages,
    next_cursor: null,
  };
}
