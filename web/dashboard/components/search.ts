/**
 * Search in runs' input, state and logs, through what the API offers today: the run list (with
 * the other filters) is read page by page in list order, and each run's detail (input, state)
 * and logs are read and matched (case-insensitive substring, also over the id and the error).
 * One search request examines at most {@linkcode SEARCH_BUDGET} runs and says how far it got;
 * the next request resumes from there with the list's own cursor. (To move to the server as one
 * indexed query later, behind this function.)
 *
 * @module
 */

import type { Api } from "./api.ts";
import { apiQuery, type RunFilter } from "./run_filter.ts";
import type { LogEntry, Paged, RunDetail, RunSummary } from "./types.ts";

/** Runs examined by one search request at most. */
export const SEARCH_BUDGET = 100;

/** Runs read per list page while searching. */
export const SEARCH_PAGE = 25;

/** A search's answer. */
export interface SearchResult {
  /** Matching runs, in list order. */
  matches: (RunSummary & { matched_in: string[] })[];
  /** Runs examined. */
  examined: number;
  /** Cursor to resume after the examined runs (`null`: the list is exhausted). */
  next: string | null;
}

function contains(value: unknown, needle: string): boolean {
  if (value === undefined || value === null) return false;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.toLowerCase().includes(needle);
}

/**
 * Where a run matches the text.
 *
 * @param run The run's detail.
 * @param logs Its log entries.
 * @param q The text.
 * @returns The places (`id`, `input`, `state`, `logs`, `error`), empty when it does not match.
 */
export function matchRun(run: RunDetail, logs: LogEntry[], q: string): string[] {
  const needle = q.toLowerCase();
  const where: string[] = [];
  if (run.id.toLowerCase().includes(needle)) where.push("id");
  if (contains(run.input, needle)) where.push("input");
  if (contains(run.current_state, needle)) where.push("state");
  if (logs.some((l) => l.message.toLowerCase().includes(needle))) where.push("logs");
  if (contains(run.error_message, needle)) where.push("error");
  return where;
}

/**
 * Searches the runs of a filter.
 *
 * @param api The API.
 * @param filter The filters, with the text in `q`.
 * @param cursor Where the previous request stopped.
 * @param budget Most runs to examine.
 * @returns The matches and where to resume.
 */
export async function searchRuns(
  api: Api,
  filter: RunFilter,
  cursor: string | null,
  budget = SEARCH_BUDGET,
): Promise<SearchResult> {
  const matches: SearchResult["matches"] = [];
  let examined = 0;
  let next = cursor;
  let first = cursor === null;
  while (examined < budget && (first || next !== null)) {
    const page: Paged<RunSummary> = await api.get<Paged<RunSummary>>(
      `/api/workflows${apiQuery(filter, { per_page: SEARCH_PAGE, cursor: next ?? undefined })}`,
    );
    first = false;
    const found = await Promise.all(page.data.map(async (r) => {
      const id = encodeURIComponent(r.id);
      const [detail, logs] = await Promise.all([
        api.get<RunDetail>(`/api/workflows/${id}`),
        api.get<Paged<LogEntry>>(`/api/workflows/${id}/logs?per_page=1000`),
      ]);
      return { r, where: matchRun(detail, logs.data, filter.q) };
    }));
    for (const { r, where } of found) {
      if (where.length > 0) matches.push({ ...r, matched_in: where });
    }
    examined += page.data.length;
    next = page.meta.next_cursor;
  }
  return { matches, examined, next };
}
