/**
 * The run list's filters as they live in the page's URL (`status`, `name`, `workflow`, `id`,
 * `after`, `before`, `q`, `cursor`), and the `/api/workflows` query they make.
 *
 * @module
 */

import { query } from "./api.ts";
import { localToIso } from "./format.ts";

/** The filters of the run list. */
export interface RunFilter {
  /** A status, or `""` for any. */
  status: string;
  /** Workflow name contains this text. */
  name: string;
  /** Exact workflow name. */
  workflow: string;
  /** Run id starts with this. */
  id: string;
  /** Started at or after (`datetime-local`, UTC). */
  after: string;
  /** Started before (`datetime-local`, UTC). */
  before: string;
  /** Text searched in the runs' input, state and logs. */
  q: string;
}

/** The URL parameters of {@linkcode RunFilter}. */
export const FILTER_KEYS = ["status", "name", "workflow", "id", "after", "before", "q"] as const;

/**
 * Reads the filters from a page URL.
 *
 * @param url The page's URL.
 * @returns The filters (`""` for each one not given).
 */
export function readFilter(url: URL): RunFilter {
  const get = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  return {
    status: get("status").toUpperCase(),
    name: get("name"),
    workflow: get("workflow"),
    id: get("id"),
    after: get("after"),
    before: get("before"),
    q: get("q"),
  };
}

/**
 * Tells whether any filter (other than the search text) is set.
 *
 * @param f The filters.
 * @returns `true` when the list is narrowed.
 */
export function isFiltered(f: RunFilter): boolean {
  return f.status !== "" || f.name !== "" || f.workflow !== "" || f.id !== "" || f.after !== "" ||
    f.before !== "";
}

/**
 * The `/api/workflows` query string of the filters (the search text aside: a search passes it
 * as `search`, with its own paging; see `search.ts`).
 *
 * @param f The filters.
 * @param extra Paging and overrides.
 * @returns `?status=...&...`.
 */
export function apiQuery(
  f: RunFilter,
  extra: Record<string, string | number | undefined> = {},
): string {
  return query({
    status: f.status,
    name: f.name,
    workflow: f.workflow,
    id_prefix: f.id,
    started_after: localToIso(f.after),
    started_before: localToIso(f.before),
    ...extra,
  });
}

/**
 * The page URL of the filters.
 *
 * @param f The filters.
 * @param extra More parameters (cursor).
 * @returns `/workflows?...`.
 */
export function pageUrl(f: RunFilter, extra: Record<string, string | undefined> = {}): string {
  return `/workflows${query({ ...f, ...extra })}`;
}
