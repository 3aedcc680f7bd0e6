/**
 * The read side that the HTTP API, the CLI and the dashboard share: runs, one run's input,
 * result, history, events and info, events, logs, tasks and counts, read from a KV file (owned
 * by this process or by another). It only reads; it never runs anything.
 *
 * @module
 */

import type { ListOptions, ListPage, WorkflowInfo } from "../client.ts";
import type { JsonValue } from "../json.ts";
import {
  countByStatus,
  countDueTimers,
  countEvents,
  countLogs,
  countRecords,
  countRuns,
  countTasks,
  type CursorPage,
  decodeValue,
  type EventFilter,
  type EventPage,
  type EventPaging,
  eventsOf,
  findRunIds,
  getEvent,
  getRun,
  getRuns,
  getTask,
  type HistoryRecord,
  lastIds,
  listAllTasks,
  listRunPage,
  listTasks,
  loadHistory,
  type LogFilter,
  type LogPage,
  type LogPaging,
  type MinuteCounts,
  minuteCounts,
  type OwnerProcess,
  ownerProcesses,
  queryEvents,
  queryLogs,
  queryRuns,
  readPartitionCount,
  readStream,
  type RecordCounts,
  type RunFilter,
  type RunListQuery,
  runNames,
  type RunPage,
  type RunPaging,
  type SearchPage,
  type SearchPaging,
  searchRuns,
  type StoredEvent,
  type StoredValue,
  type StreamValue,
  type TaskFilter,
  type TaskListOptions,
  type TaskRecord,
  THROUGHPUT_MAX_MINUTES,
  type WorkflowRecord,
} from "../../store/mod.ts";
import { publicEvent } from "./redact.ts";
import { runInfo, runSummary } from "./runs.ts";
import { stateFromEvents } from "./run_state.ts";
import { readOfRun } from "./stored_data.ts";

/**
 * The longest throughput window the minute rollups cover: whole minutes before the current one.
 */
export const THROUGHPUT_WINDOW_MINUTES: number = THROUGHPUT_MAX_MINUTES;

/**
 * Reads Loom's records. Get one from `engine.reader` or `client.reader`, or build one over any
 * open KV handle. A read of one run whose stored data cannot be read throws a
 * `StoredDataError` naming the run and what is wrong; lists and the feed of all events leave
 * such a run out.
 *
 * @example
 * ```ts
 * import { LoomReader } from "./reader.ts";
 *
 * const kv = await Deno.openKv(":memory:");
 * const reader = new LoomReader(kv, ":memory:");
 * console.assert((await reader.queryRuns({}, { limit: 10 })).items.length === 0);
 * console.assert((await reader.lastIds()).event === 0);
 * kv.close();
 * ```
 */
export class LoomReader {
  readonly #kv: Deno.Kv;
  readonly #where: string;
  #openTasks: Promise<TaskRecord[]> | undefined;

  /**
   * Makes a reader over an open KV handle (the reader does not close it).
   *
   * @param kv The handle.
   * @param where Its path or name, for messages.
   */
  constructor(kv: Deno.Kv, where: string) {
    this.#kv = kv;
    this.#where = where;
  }

  /** The path or name of the KV database read. */
  get where(): string {
    return this.#where;
  }

  // Runs

  /**
   * Reads a run's record.
   *
   * @param id Run id.
   * @returns The record, or `undefined`.
   */
  run(id: string): Promise<WorkflowRecord | undefined> {
    return readOfRun(getRun(this.#kv, id));
  }

  /**
   * Reads several runs' records.
   *
   * @param ids Run ids.
   * @returns Records in the order of `ids` (`undefined` where missing).
   */
  runs(ids: string[]): Promise<(WorkflowRecord | undefined)[]> {
    return getRuns(this.#kv, ids);
  }

  /**
   * Lists runs by status or name, newest first, a page at a time (the paging of `list()`).
   *
   * @param query Status, name, page size, cursor, order.
   * @returns A page of records and the cursor of the next one.
   */
  runPage(query: RunListQuery = {}): Promise<CursorPage<WorkflowRecord>> {
    return listRunPage(this.#kv, query);
  }

  /**
   * Lists runs that match a filter, by start time then id.
   *
   * @param filter What to match.
   * @param paging Order, position, offset and page size.
   * @returns The page, and whether more runs follow.
   */
  queryRuns(filter: RunFilter, paging: RunPaging): Promise<RunPage> {
    return queryRuns(this.#kv, filter, paging);
  }

  /**
   * Searches the runs of a filter for a text in their input, state, logs, error and id
   * (case-insensitive), examining at most `paging.scanLimit` runs.
   *
   * @param filter The other filters.
   * @param text The text (not empty).
   * @param paging Order, where to continue, matches and runs to examine at most.
   * @returns The matches, the runs examined, and where to continue.
   */
  searchRuns(filter: RunFilter, text: string, paging: SearchPaging): Promise<SearchPage> {
    return searchRuns(
      this.#kv,
      filter,
      text,
      paging,
      async (r) =>
        r.status !== "RUNNING" && r.result !== undefined
          ? await decodeValue(this.#kv, r.id, r.result, "result")
          : stateFromEvents(await eventsOf(this.#kv, r.id)),
    );
  }

  /**
   * Counts the runs that match a filter.
   *
   * @param filter What to match.
   * @returns The number of runs.
   */
  countRuns(filter: RunFilter): Promise<number> {
    return countRuns(this.#kv, filter);
  }

  /**
   * Counts runs by status (from the counters kept at commit time).
   *
   * @param statuses Statuses to count.
   * @returns Count per status.
   */
  countByStatus(statuses: readonly string[]): Promise<Record<string, number>> {
    return countByStatus(this.#kv, statuses);
  }

  /**
   * Runs started and ended per minute, from the rollups kept at commit time.
   *
   * @param since First minute (ms, a minute's start).
   * @param until Last minute (ms, a minute's start), included.
   * @returns Counts by minute start (absent: none), or `undefined` when the file's rollups do
   * not cover the range yet.
   */
  minuteCounts(since: number, until: number): Promise<Map<number, MinuteCounts> | undefined> {
    return minuteCounts(this.#kv, since, until);
  }

  /**
   * Lists the workflow names that have runs.
   *
   * @returns Names, sorted.
   */
  runNames(): Promise<string[]> {
    return runNames(this.#kv);
  }

  /**
   * Finds runs whose id starts with a prefix.
   *
   * @param prefix Start of the id (not empty).
   * @param limit At most this many.
   * @returns Matching ids, in key order.
   */
  findRunIds(prefix: string, limit?: number): Promise<string[]> {
    return findRunIds(this.#kv, prefix, limit);
  }

  /**
   * Lists runs as the client API does (`engine.list()`).
   *
   * @param options Status, workflow name, page size, cursor.
   * @returns A page of summaries and the cursor of the next one.
   */
  async list(options: ListOptions = {}): Promise<ListPage> {
    const page = await listRunPage(this.#kv, {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.workflow === undefined ? {} : { name: options.workflow }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
    const out: ListPage = { items: page.items.map(runSummary) };
    if (page.cursor !== undefined) out.cursor = page.cursor;
    return out;
  }

  // One run

  /**
   * Reads a stored value of a run back (its input or result).
   *
   * @param id Run id.
   * @param stored The value as its record holds it.
   * @returns The value.
   */
  value(id: string, stored: StoredValue): Promise<unknown> {
    return readOfRun(decodeValue(this.#kv, id, stored));
  }

  /**
   * Reads a run's input.
   *
   * @param record The run's record.
   * @returns The input.
   */
  input(record: WorkflowRecord): Promise<unknown> {
    return readOfRun(decodeValue(this.#kv, record.id, record.input, "input"));
  }

  /**
   * Reads a run's final state.
   *
   * @param record The run's record.
   * @returns The final state, or `undefined` while the run has none.
   */
  async result(record: WorkflowRecord): Promise<unknown> {
    return record.result === undefined
      ? undefined
      : await readOfRun(decodeValue(this.#kv, record.id, record.result, "result"));
  }

  /**
   * What is known of a run, as `handle.info()` returns it.
   *
   * @param record The run's record.
   * @returns Its info, with its input.
   */
  async info(record: WorkflowRecord): Promise<WorkflowInfo> {
    return runInfo(record, await this.input(record) as JsonValue);
  }

  /**
   * Reads a run's history as replay reads it (hook tokens in the clear, unlike the event reads).
   *
   * @param id Run id.
   * @returns Its entries, in order.
   */
  history(id: string): Promise<HistoryRecord[]> {
    return readOfRun(loadHistory(this.#kv, id));
  }

  /**
   * Reads a run's events.
   *
   * @param id Run id.
   * @returns Its events with their global ids, in order.
   */
  async eventsOf(id: string): Promise<StoredEvent[]> {
    return (await readOfRun(eventsOf(this.#kv, id))).map(publicEvent);
  }

  /**
   * Reads the values of a run's stream after a position.
   *
   * @param id Run id.
   * @param name The stream.
   * @param after The last index the reader has (`-1` for all).
   * @param limit Most values returned.
   * @returns The values with their indexes, in order.
   */
  stream(id: string, name: string, after = -1, limit = 1000): Promise<StreamValue[]> {
    return readOfRun(readStream(this.#kv, id, name, after, limit));
  }

  // Events

  /**
   * Finds one event by its global id.
   *
   * @param id Global id.
   * @returns The event, or `undefined`.
   */
  async event(id: number): Promise<StoredEvent | undefined> {
    const event = await readOfRun(getEvent(this.#kv, id));
    return event === undefined ? undefined : publicEvent(event);
  }

  /**
   * Lists events that match a filter, by global id.
   *
   * @param filter What to match.
   * @param paging Order, offset and page size.
   * @returns The page, and whether more events follow.
   */
  async queryEvents(filter: EventFilter, paging: EventPaging): Promise<EventPage> {
    const page = await readOfRun(queryEvents(this.#kv, filter, paging));
    return { ...page, items: page.items.map(publicEvent) };
  }

  /**
   * Counts the events that match a filter.
   *
   * @param filter What to match.
   * @returns The number of events.
   */
  countEvents(filter: EventFilter): Promise<number> {
    return readOfRun(countEvents(this.#kv, filter));
  }

  // Logs

  /**
   * Lists log entries that match a filter, newest (or oldest) first.
   *
   * @param filter What to match.
   * @param paging Order, offset and page size.
   * @returns The entries, and whether more follow.
   */
  queryLogs(filter: LogFilter, paging: LogPaging): Promise<LogPage> {
    return queryLogs(this.#kv, filter, paging);
  }

  /**
   * Counts the log entries that match a filter.
   *
   * @param filter What to match.
   * @returns The number of entries.
   */
  countLogs(filter: LogFilter): Promise<number> {
    return countLogs(this.#kv, filter);
  }

  // Tasks

  /**
   * Reads a task.
   *
   * @param id Task id.
   * @param workflowId Its run, when known (faster).
   * @returns The task, or `undefined`.
   */
  task(id: number, workflowId?: string): Promise<TaskRecord | undefined> {
    return readOfRun(getTask(this.#kv, id, workflowId));
  }

  /**
   * Lists tasks: open ones newest first, then finished ones most recently finished first.
   *
   * @param options Status, run, kind, page size.
   * @returns Tasks.
   */
  async listTasks(options: TaskListOptions = {}): Promise<TaskRecord[]> {
    const open = options.status === undefined || options.status === "PENDING" ||
      options.status === "RUNNING";
    if (options.workflowId !== undefined || options.only !== undefined || !open) {
      return await listTasks(this.#kv, options);
    }
    // Open tasks from the shared read (newest first), then finished ones as far as needed.
    const limit = options.limit ?? 100;
    const out = (await this.allTasks({
      statuses: options.status === undefined ? ["PENDING", "RUNNING"] : [options.status],
      ...(options.kind === undefined ? {} : { kinds: [options.kind] }),
    })).slice(0, limit);
    if (out.length >= limit || options.status !== undefined) return out;
    const rest = await listTasks(this.#kv, {
      ...options,
      only: "finished",
      limit: limit - out.length,
    });
    return [...out, ...rest];
  }

  /**
   * Lists every task that matches a filter, newest first.
   *
   * @param filter What to match.
   * @returns The tasks.
   */
  async allTasks(filter: TaskFilter = {}): Promise<TaskRecord[]> {
    const open = filter.workflowId === undefined && filter.statuses !== undefined &&
      filter.statuses.every((s) => s === "PENDING" || s === "RUNNING");
    if (!open) return await listAllTasks(this.#kv, filter);
    // Open tasks of all runs: reads made at the same time share one (several calls of a page).
    this.#openTasks ??= listAllTasks(this.#kv, { statuses: ["PENDING", "RUNNING"] }).finally(
      () => this.#openTasks = undefined,
    );
    return (await this.#openTasks).filter((t) =>
      (filter.statuses as string[]).includes(t.status) &&
      (filter.kinds === undefined || filter.kinds.includes(t.kind)) &&
      (filter.dueBy === undefined || t.runAt <= filter.dueBy)
    );
  }

  /**
   * Counts tasks by status, from the counters kept at commit time.
   *
   * @returns Counts by status (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`), or `undefined` when
   * the file's counters are not built yet.
   */
  countTasks(): Promise<Record<string, number> | undefined> {
    return countTasks(this.#kv);
  }

  /**
   * Counts the durable timers due at or before a time (from the timer index).
   *
   * @param until Time (ms).
   * @returns How many.
   */
  countDueTimers(until: number): Promise<number> {
    return countDueTimers(this.#kv, until);
  }

  // Owners

  /**
   * The processes that hold the file's partitions (by their leases), oldest first.
   *
   * @returns The processes, with their partitions, and the file's partition count.
   */
  async processes(): Promise<{ partitionCount: number; processes: OwnerProcess[] }> {
    const partitionCount = await readPartitionCount(this.#kv);
    return { partitionCount, processes: await ownerProcesses(this.#kv, partitionCount) };
  }

  // Counts

  /**
   * Reads the highest event and log ids in use (ids are unique and increase, but are not dense:
   * each process reserves blocks of them, see `store/id_blocks.ts`).
   *
   * @returns The last event and log ids (0 when none).
   */
  lastIds(): Promise<{ event: number; log: number }> {
    return lastIds(this.#kv);
  }

  /**
   * Counts what the KV file holds: runs by status, tasks by status, events, logs, timers and
   * inbox requests.
   *
   * @returns The counts.
   */
  countRecords(): Promise<RecordCounts> {
    return countRecords(this.#kv);
  }
}
