/**
 * Loom's store: its records in Deno KV, the owner lease, the commit of transitions (the write
 * model, `KvStore`), and the one read API over them (`queries/`).
 *
 * @module
 */

export { CHUNK_BYTES, type ChunkedValue, decodeValue, INLINE_LIMIT, valueSize } from "./chunks.ts";
export { DamagedData } from "./damaged_data.ts";
export { type MigrationReport } from "./migrate.ts";
export { epochOf } from "./write_ids.ts";
export {
  ATOMIC_BUDGET,
  EXPIRED_HOOK_RETENTION_MS,
  type InboxAnswer,
  inputReference,
  type Mutation,
  pack,
  type Packed,
  type Plan,
  plan,
  type Transition,
} from "./commit.ts";
export { type Key, keys } from "./keys.ts";
export {
  type CountedChange,
  type CountersReady,
  type CounterSum,
  counterSums,
  type MinuteCounts,
  minuteOf,
  openTaskCounts,
  ROLLUP_KINDS,
  ROLLUP_RETENTION_MS,
  type RollupKind,
  THROUGHPUT_MAX_MINUTES,
} from "./counters.ts";
export { type CountersBuild, ensureCounters } from "./counters_rebuild.ts";
export { createRun, readPending } from "./create_run.ts";
export { isTransientStorageError } from "./transient.ts";
export {
  acquireAllLeases,
  checkEpochs,
  type LeaseOwner,
  readLeases,
  releaseLeases,
  renewLeases,
  takeLeases,
} from "./leases.ts";
export {
  liveMembers,
  type MemberRecord,
  type OwnerProcess,
  ownerProcesses,
  removeMember,
  writeMember,
} from "./members.ts";
export {
  DEFAULT_PARTITIONS,
  ensurePartitionCount,
  MAX_PARTITIONS,
  partitionOf,
  readPartitionCount,
} from "./partitions.ts";
export { KvStore } from "./kv_store.ts";
export { FenceLost, PartitionNotHeld } from "./fence_errors.ts";
export { commitPatiently, isLocked, LOCKED_RETRY_MS, openKv, patiently } from "./patient_commit.ts";
export {
  IdBlocks,
  type IdBlockSizes,
  type IdCounter,
  type IdPosition,
  reserveIds,
} from "./id_blocks.ts";
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
  countByStatus,
  countDueTimers,
  countEvents,
  countLogs,
  countRecords,
  countRuns,
  countTasks,
  type CursorPage,
  type EventFilter,
  type EventPage,
  type EventPaging,
  eventsOf,
  findRunIds,
  getEvent,
  getHook,
  getRun,
  getRuns,
  getTask,
  lastIds,
  listAllTasks,
  listRunPage,
  listTasks,
  loadHistory,
  type LogFilter,
  type LogPage,
  type LogPaging,
  matchesRun,
  type MatchPlace,
  minuteCounts,
  queryEvents,
  queryLogs,
  queryRuns,
  readStream,
  type RecordCounts,
  recordProblem,
  type RunFilter,
  runIdsWithStatus,
  type RunListQuery,
  runNames,
  type RunPage,
  type RunPaging,
  type RunPosition,
  scanByStatus,
  SEARCH_LOG_LINES,
  type SearchHit,
  type SearchPage,
  type SearchPaging,
  searchRuns,
  type StreamValue,
  type TaskFilter,
  type TaskListOptions,
  TIME_SKEW_MS,
} from "./queries/mod.ts";
export { type DueSchedules, dueSchedules, getSchedule, listSchedules } from "./queries/mod.ts";
export {
  insertSchedule,
  removeDueEntry,
  removeSchedule,
  replaceSchedule,
  type ScheduleEntry,
  type ScheduleRecord,
} from "./schedules.ts";
export {
  publishWorkflowNames,
  readWorkflowName,
  type WorkflowNameRecord,
} from "./workflow_names.ts";
export {
  type EventIndexEntry,
  type HistoryRecord,
  type HookRecord,
  type InboxReply,
  type InboxRequest,
  type LeaseRecord,
  type LogRecord,
  type StoredError,
  type StoredEvent,
  type StoredValue,
  type StreamIndexEntry,
  TaskKind,
  type TaskRecord,
  TaskStatus,
  type WorkflowRecord,
} from "./records.ts";
export { SCHEMA_VERSION, SchemaMismatch } from "./schema.ts";
export { wipeRecords } from "./wipe.ts";
