/**
 * Search in runs' input, state and logs, done by the server: one `GET /api/workflows?search=`
 * with the other filters. The server examines at most {@linkcode SEARCH_SCAN} runs per request
 * and answers with the matches among them, how many it examined, and a cursor that continues
 * after the last one.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { apiQuery, type RunFilter } from "./run_filter.ts";
import type { Paged, RunSummary } from "./types.ts";

/** Runs the server examines per search request (its `scan_limit`). */
export const SEARCH_SCAN = 200;

/** Matches shown per search request at most. */
export const SEARCH_MATCHES = 50;

/** A search's answer. */
export interface SearchResult {
  /** Matching runs, in list order, with where each matched. */
  matches: RunSummary[];
  /** Runs examined. */
  examined: number;
  /** Cursor to resume after the examined runs (`null`: the list is exhausted). */
  next: string | null;
}

/**
 * The `/api/workflows` query of a search.
 *
 * @param filter The filters, with the text in `q`.
 * @param cursor Where the previous request stopped.
 * @returns The query string.
 */
export function searchQuery(filter: RunFilter, cursor: string | null): string {
  return apiQuery(filter, {
    search: filter.q,
    per_page: SEARCH_MATCHES,
    scan_limit: SEARCH_SCAN,
    cursor: cursor ?? undefined,
  });
}

/**
 * Searches the runs of a filter, on the server.
 *
 * @param api The API.
 * @param filter The filters, with the text in `q`.
 * @param cursor Where the previous request stopped.
 * @returns The matches and where to resume.
 */
export async function searchRuns(
  api: Api,
  filter: RunFilter,
  cursor: string | null,
): Promise<SearchResult> {
  const page = await api.get<Paged<RunSummary>>(`/api/workflows${searchQuery(filter, cursor)}`);
  return {
    matches: page.data,
    examined: page.meta.scanned ?? page.data.length,
    next: page.meta.next_cursor,
  };
}
