/**
 * Loom's store: its records in Deno KV, the owner lease, and the commit of transitions.
 *
 * @module
 */

export { CHUNK_BYTES, INLINE_LIMIT, valueSize } from "./chunks.ts";
export { ATOMIC_BUDGET, inputReference, pack, plan, type Transition } from "./commit.ts";
export { type Key, keys } from "./keys.ts";
export {
  countEvents,
  type EventFilter,
  type EventPage,
  type EventPaging,
  queryEvents,
  TIME_SKEW_MS,
} from "./event_query.ts";
export { FenceLost, KvStore, openKv, type Page, type WorkflowQuery } from "./kv_store.ts";
export {
  countLogs,
  listAllTasks,
  type LogFilter,
  type LogPaging,
  queryLogs,
  type TaskFilter,
} from "./log_query.ts";
export {
  acquireLease,
  type HeldLease,
  type LeaseClaim,
  LeaseHeld,
  readLease,
  releaseLease,
  renewLease,
} from "./lease.ts";
export {
  type EventIndexEntry,
  type HistoryRecord,
  type InboxReply,
  type InboxRequest,
  type LeaseRecord,
  type LogRecord,
  type StoredError,
  type StoredEvent,
  type StoredValue,
  TaskKind,
  type TaskRecord,
  TaskStatus,
  type WorkflowRecord,
} from "./records.ts";
export { countRecords, findWorkflowIds, type RecordCounts } from "./queries.ts";
export {
  countByStatus,
  countRuns,
  matchesRun,
  queryRuns,
  type RunFilter,
  runNames,
  type RunPage,
  type RunPaging,
  type RunPosition,
} from "./run_query.ts";
export { SCHEMA_VERSION, SchemaMismatch } from "./schema.ts";
export { wipeRecords } from "./wipe.ts";
