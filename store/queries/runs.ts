/**
 * Runs' records: by id, by a prefix of their id, the ids with a status, and pages of runs by
 * status or name that continue from a KV cursor (what `list()` and `loom list` page with).
 * Filtered and counted lists are in `run_query.ts`.
 *
 * @module
 */

import { isStoredValue } from "../chunks.ts";
import { DamagedData } from "../damaged_data.ts";
import { keys } from "../keys.ts";
import type { WorkflowRecord } from "../records.ts";

/** Filters and paging of {@linkcode listRunPage}. */
export interface RunListQuery {
  /** Status. */
  status?: string;
  /** Workflow name. */
  name?: string;
  /** Page size, 1 to 1000. @default 50 */
  limit?: number;
  /** Cursor from the previous page. */
  cursor?: string;
  /** Oldest first instead of newest first. @default false */
  oldestFirst?: boolean;
}

/** A page of something, with the cursor of the next one. */
export interface CursorPage<T> {
  /** Items. */
  items: T[];
  /** Cursor of the next page, absent on the last page. */
  cursor?: string;
}

/**
 * What is wrong with a stored run record, if anything: the fields every reader relies on are
 * checked (cheaply, without reading anything else).
 *
 * @param id The run id its key names.
 * @param value The stored value.
 * @returns The problem, or `undefined` when the record is readable.
 */
export function recordProblem(id: string, value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "it is not a record";
  const r = value as Partial<Record<keyof WorkflowRecord, unknown>>;
  if (r.id !== id) return `its id is ${JSON.stringify(r.id)}`;
  for (const f of ["name", "version", "status"] as const) {
    if (typeof r[f] !== "string") return `its ${f} is not a string`;
  }
  for (const f of ["createdAt", "updatedAt", "entries", "events"] as const) {
    if (typeof r[f] !== "number") return `its ${f} is not a number`;
  }
  if (!isStoredValue(r.input)) return "its input reference is malformed";
  if (r.result !== undefined && !isStoredValue(r.result)) {
    return "its result reference is malformed";
  }
  if (!Array.isArray(r.tasks)) return "its task list is not a list";
  return undefined;
}

/**
 * Reads a run's record.
 *
 * @param kv The KV handle.
 * @param id Run id.
 * @returns The record, or `undefined`.
 * @throws {DamagedData} When the record is there but unreadable.
 */
export async function getRun(kv: Deno.Kv, id: string): Promise<WorkflowRecord | undefined> {
  const value = (await kv.get<WorkflowRecord>(keys.workflow(id))).value;
  if (value === null) return undefined;
  const problem = recordProblem(id, value);
  if (problem !== undefined) throw new DamagedData(id, "record", problem);
  return value;
}

/**
 * Reads several runs' records, in the order of `ids`.
 *
 * @param kv The KV handle.
 * @param ids Run ids.
 * @returns Records (`undefined` where missing or unreadable: lists leave damaged runs out, and
 * {@linkcode getRun} names what is wrong with one).
 */
export async function getRuns(
  kv: Deno.Kv,
  ids: string[],
): Promise<(WorkflowRecord | undefined)[]> {
  const out: (WorkflowRecord | undefined)[] = [];
  const groups: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) groups.push(ids.slice(i, i + 10));
  const pages = await Promise.all(
    groups.map((g) => kv.getMany<WorkflowRecord[]>(g.map(keys.workflow))),
  );
  let i = 0;
  for (const page of pages) {
    for (const e of page) {
      const id = ids[i++] as string;
      out.push(e.value === null || recordProblem(id, e.value) !== undefined ? undefined : e.value);
    }
  }
  return out;
}

/**
 * Lists the ids of runs with a status, oldest first.
 *
 * @param kv The KV handle.
 * @param status Status.
 * @returns Run ids.
 */
export async function runIdsWithStatus(kv: Deno.Kv, status: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list<null>({ prefix: keys.byStatusPrefix(status) })) {
    ids.push(e.key[e.key.length - 1] as string);
  }
  return ids;
}

/**
 * Finds runs whose id starts with a prefix.
 *
 * @param kv The KV handle.
 * @param prefix Start of the id (not empty).
 * @param limit At most this many.
 * @returns Matching ids, in key order.
 */
export async function findRunIds(kv: Deno.Kv, prefix: string, limit = 10): Promise<string[]> {
  const start = keys.workflow(prefix);
  const end = keys.workflow(`${prefix}\u{10FFFF}`);
  const ids: string[] = [];
  for await (const e of kv.list<unknown>({ start, end }, { limit })) {
    const id = e.key[e.key.length - 1] as string;
    if (id.startsWith(prefix)) ids.push(id);
  }
  return ids;
}

/**
 * Lists runs, newest first, by status or name, a page at a time.
 *
 * @param kv The KV handle.
 * @param query Filters and paging.
 * @returns A page of records.
 */
export async function listRunPage(
  kv: Deno.Kv,
  query: RunListQuery = {},
): Promise<CursorPage<WorkflowRecord>> {
  const limit = Math.max(1, Math.min(query.limit ?? 50, 1000));
  const prefix = query.name !== undefined
    ? keys.byNamePrefix(query.name)
    : query.status !== undefined
    ? keys.byStatusPrefix(query.status)
    : keys.byTimePrefix();
  const filterStatus = query.name !== undefined ? query.status : undefined;
  const iter = kv.list<null>({ prefix }, {
    reverse: !query.oldestFirst,
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    batchSize: filterStatus === undefined ? Math.min(limit + 1, 1000) : 200,
  });
  const items: WorkflowRecord[] = [];
  let cursor: string | undefined;
  let more = false;
  const pending: string[] = [];
  const drain = async () => {
    const records = await getRuns(kv, pending.splice(0));
    for (const r of records) {
      if (r !== undefined && (filterStatus === undefined || r.status === filterStatus)) {
        items.push(r);
      }
    }
  };
  for await (const e of iter) {
    if (items.length + pending.length >= limit) {
      await drain();
      if (items.length >= limit) {
        more = true;
        break;
      }
    }
    pending.push(e.key[e.key.length - 1] as string);
    cursor = iter.cursor;
  }
  if (!more) await drain();
  if (items.length > limit) items.length = limit;
  const page: CursorPage<WorkflowRecord> = { items };
  if (more && cursor !== undefined) page.cursor = cursor;
  return page;
}
