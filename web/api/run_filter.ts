/**
 * The run list's filter as the API takes it (`status`, `name`, `workflow`, `id_prefix`,
 * `started_after`, `started_before`, `search`), shared by `GET /api/workflows` and the bulk
 * cancel `POST /api/workflows/cancel`, and the search page (`search`, `scan_limit`, `cursor`).
 *
 * @module
 */

import type { LoomReader } from "../../engine/mod.ts";
import type { RunFilter } from "../../store/mod.ts";
import { z } from "../_deps.ts";
import {
  decodeCursor,
  encodeCursor,
  fingerprint,
  normalizeStatus,
  parseTime,
  TimeParam,
} from "./params.ts";
import { StatusInput } from "./schemas.ts";
import { workflowSummary } from "./shapes.ts";

/** Runs a search examines per request by default, and at most. */
export const SEARCH_SCAN = { default: 200, max: 2000 } as const;

/** The filter's query parameters. */
export const FilterFields = {
  status: StatusInput.optional(),
  name: z.string().optional().openapi({ description: "Name contains this text (any case)" }),
  workflow: z.string().optional().openapi({ description: "Exact workflow name" }),
  id_prefix: z.string().min(1).optional(),
  started_after: TimeParam.optional(),
  started_before: TimeParam.optional(),
  search: z.string().max(1000).optional().openapi({
    description:
      "Text searched (any case) in each matching run's input, state, log lines, error and id, on the server; pages are bounded by `scan_limit` runs examined, and `meta.next_cursor` continues after the last one",
  }),
};

/** What the query parameters of {@linkcode FilterFields} hold, as parsed. */
export interface FilterQuery {
  status?: z.infer<typeof StatusInput> | undefined;
  name?: string | undefined;
  workflow?: string | undefined;
  id_prefix?: string | undefined;
  started_after?: string | undefined;
  started_before?: string | undefined;
  search?: string | undefined;
}

/**
 * Reads the filter of a run list query.
 *
 * @param q The parsed query.
 * @returns The store's filter, and the search text (`undefined` when none).
 * @throws {ApiError} For a bad time.
 */
export function readRunFilter(q: FilterQuery): { filter: RunFilter; search: string | undefined } {
  const filter: RunFilter = {};
  if (q.status !== undefined) filter.statuses = [normalizeStatus(q.status)];
  if (q.workflow !== undefined) filter.names = [q.workflow];
  if (q.name !== undefined && q.name !== "") filter.nameContains = q.name;
  if (q.id_prefix !== undefined) filter.idPrefix = q.id_prefix;
  const after = parseTime(q.started_after, "started_after");
  const before = parseTime(q.started_before, "started_before");
  if (after !== undefined) filter.createdAfter = after;
  if (before !== undefined) filter.createdBefore = before;
  const search = q.search?.trim();
  return { filter, search: search === undefined || search === "" ? undefined : search };
}

/**
 * One page of a search: the matches among at most `scanLimit` runs after the cursor.
 *
 * @param reader The reader.
 * @param filter The other filters.
 * @param search The text.
 * @param q Page size, order, cursor and scan limit.
 * @returns The page, in the run list's shape (`matched_in` on each run, `scanned` in `meta`).
 */
export async function searchPage(
  reader: LoomReader,
  filter: RunFilter,
  search: string,
  q: { per_page: number; oldestFirst: boolean; cursor?: string | undefined; scanLimit: number },
) {
  const query = fingerprint({ filter, oldestFirst: q.oldestFirst, search });
  const at = q.cursor === undefined ? undefined : decodeCursor(q.cursor, query);
  const found = await reader.searchRuns(filter, search, {
    oldestFirst: q.oldestFirst,
    ...(at === undefined ? {} : { after: { createdAt: at.t, id: at.id } }),
    limit: q.per_page,
    scanLimit: q.scanLimit,
  });
  const next = found.next === undefined
    ? null
    : encodeCursor({ q: query, t: found.next.createdAt, id: found.next.id });
  return {
    data: found.items.map((h) => ({ ...workflowSummary(h.record), matched_in: h.matchedIn })),
    meta: {
      page: null,
      per_page: q.per_page,
      total: null,
      pages: null,
      has_prev: at !== undefined,
      has_next: next !== null,
      next_cursor: next,
      scanned: found.scanned,
    },
  };
}
