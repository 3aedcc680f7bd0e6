/**
 * Search in runs: a case-insensitive substring match over each run's input, state, log lines,
 * error and id, over the runs of a filter in list order. The scan is bounded: one call examines
 * at most `scanLimit` runs and says where it stopped, so that the next call continues from
 * there (no index holds the text of inputs, states and logs).
 *
 * @module
 */

import { decodeValue } from "../chunks.ts";
import { DamagedData } from "../damaged_data.ts";
import { keys } from "../keys.ts";
import type { LogRecord, WorkflowRecord } from "../records.ts";
import { queryRuns, type RunFilter, type RunPosition } from "./run_query.ts";

/** Log lines of one run read while searching it, at most. */
export const SEARCH_LOG_LINES = 5000;

/** Runs read and matched at a time. */
const BATCH = 25;

/** Order and bounds of {@linkcode searchRuns}. */
export interface SearchPaging {
  /** Oldest first instead of newest first. @default false */
  oldestFirst?: boolean;
  /** Continue after this run (where the previous call stopped). */
  after?: RunPosition;
  /** Matches to return at most. */
  limit: number;
  /** Runs to examine at most. */
  scanLimit: number;
}

/** Where in a run a text was found. */
export type MatchPlace = "id" | "input" | "state" | "logs" | "error";

/** A run that matches, and where. */
export interface SearchHit {
  /** The run. */
  record: WorkflowRecord;
  /** Where the text is. */
  matchedIn: MatchPlace[];
}

/** One call's answer. */
export interface SearchPage {
  /** Matching runs, in list order. */
  items: SearchHit[];
  /** Runs examined. */
  scanned: number;
  /** Where to continue (the last run examined); `undefined` when every run was examined. */
  next: RunPosition | undefined;
}

function contains(value: unknown, needle: string): boolean {
  if (value === undefined || value === null) return false;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.toLowerCase().includes(needle);
}

async function logsMatch(kv: Deno.Kv, id: string, needle: string): Promise<boolean> {
  const iter = kv.list<LogRecord>({ prefix: keys.logOfWorkflowPrefix(id) }, {
    limit: SEARCH_LOG_LINES,
    batchSize: 500,
  });
  for await (const e of iter) if (e.value.message.toLowerCase().includes(needle)) return true;
  return false;
}

/**
 * Where a run matches the text.
 *
 * @param kv The KV handle.
 * @param r The run.
 * @param needle The text, lower case.
 * @param stateOf Reads the run's current state.
 * @returns The places, empty when it does not match (or its data cannot be read).
 */
async function matchRun(
  kv: Deno.Kv,
  r: WorkflowRecord,
  needle: string,
  stateOf: (r: WorkflowRecord) => Promise<unknown>,
): Promise<MatchPlace[]> {
  const where: MatchPlace[] = [];
  try {
    if (r.id.toLowerCase().includes(needle)) where.push("id");
    if (contains(await decodeValue(kv, r.id, r.input, "input"), needle)) where.push("input");
    if (contains(await stateOf(r), needle)) where.push("state");
    if (await logsMatch(kv, r.id, needle)) where.push("logs");
    if (contains(r.error?.message, needle)) where.push("error");
  } catch (e) {
    // A damaged run is left out of a search, as of any list.
    if (e instanceof DamagedData) return [];
    throw e;
  }
  return where;
}

/**
 * Searches the runs of a filter for a text, at most `scanLimit` runs a call.
 *
 * @param kv The KV handle.
 * @param filter The other filters.
 * @param text The text (matched case-insensitively; not empty).
 * @param paging Order, where to continue, and bounds.
 * @param stateOf Reads a run's current state (the engine's view of its events).
 * @returns The matches, how many runs were examined, and where to continue.
 */
export async function searchRuns(
  kv: Deno.Kv,
  filter: RunFilter,
  text: string,
  paging: SearchPaging,
  stateOf: (r: WorkflowRecord) => Promise<unknown>,
): Promise<SearchPage> {
  const needle = text.toLowerCase();
  const items: SearchHit[] = [];
  let scanned = 0;
  let after = paging.after;
  while (scanned < paging.scanLimit && items.length < paging.limit) {
    const page = await queryRuns(kv, filter, {
      ...(paging.oldestFirst === undefined ? {} : { oldestFirst: paging.oldestFirst }),
      ...(after === undefined ? {} : { after }),
      limit: Math.min(BATCH, paging.scanLimit - scanned),
    });
    const found = await Promise.all(page.items.map((r) => matchRun(kv, r, needle, stateOf)));
    for (let i = 0; i < page.items.length; i++) {
      const r = page.items[i] as WorkflowRecord;
      scanned++;
      after = { createdAt: r.createdAt, id: r.id };
      const where = found[i] as MatchPlace[];
      if (where.length > 0) items.push({ record: r, matchedIn: where });
      if (items.length >= paging.limit) {
        const more = i < page.items.length - 1 || page.more;
        return { items, scanned, next: more ? after : undefined };
      }
    }
    if (!page.more) return { items, scanned, next: undefined };
  }
  return { items, scanned, next: after };
}
