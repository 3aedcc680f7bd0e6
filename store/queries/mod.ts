/**
 * The one read API over Loom's records in KV: runs, events, logs, tasks, schedules and counts, as
 * functions over a `Deno.Kv`. Nothing here writes.
 *
 * @example
 * ```ts
 * import { countRecords, queryRuns } from "./mod.ts";
 *
 * const kv = await Deno.openKv(":memory:");
 * const page = await queryRuns(kv, { statuses: ["RUNNING"] }, { limit: 10 });
 * console.assert(page.items.length === 0 && !page.more);
 * console.assert((await countRecords(kv)).events === 0);
 * kv.close();
 * ```
 *
 * @module
 */

export {
  countByStatus,
  countRecords,
  lastIds,
  minuteCounts,
  type RecordCounts,
  scanByStatus,
} from "./counts.ts";
export {
  countEvents,
  type EventFilter,
  type EventPage,
  type EventPaging,
  eventsOf,
  getEvent,
  queryEvents,
  TIME_SKEW_MS,
} from "./events.ts";
export { decodeHistory, historyEvents, loadHistory, type StoredHistory } from "./history.ts";
export { getHook } from "./hooks.ts";
export { countLogs, type LogFilter, type LogPage, type LogPaging, queryLogs } from "./logs.ts";
export {
  countRuns,
  matchesRun,
  queryRuns,
  type RunFilter,
  runNames,
  type RunPage,
  type RunPaging,
  type RunPosition,
} from "./run_query.ts";
export {
  type CursorPage,
  findRunIds,
  getRun,
  getRuns,
  listRunPage,
  recordProblem,
  runIdsWithStatus,
  type RunListQuery,
} from "./runs.ts";
export { type DueSchedules, dueSchedules, getSchedule, listSchedules } from "./schedules.ts";
export { readStream, type StreamValue } from "./streams.ts";
export {
  type MatchPlace,
  SEARCH_LOG_LINES,
  type SearchHit,
  type SearchPage,
  type SearchPaging,
  searchRuns,
} from "./search.ts";
export {
  countDueTimers,
  countTasks,
  getTask,
  listAllTasks,
  listTasks,
  type TaskFilter,
  type TaskListOptions,
} from "./tasks.ts";
