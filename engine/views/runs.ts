/**
 * What clients read of a run (`list()`, `handle.info()`), built from its record: shared by the
 * engine, the client of processes that do not own the file, and any reader.
 *
 * @module
 */

import type { WorkflowInfo, WorkflowSummary } from "../client.ts";
import type { SerializedError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import type { WorkflowStatus } from "../replay/events.ts";
import type { WorkflowRecord } from "../../store/mod.ts";

/**
 * A run as `list()` shows it.
 *
 * @param record The run's record.
 * @returns Its summary.
 */
export function runSummary(record: WorkflowRecord): WorkflowSummary {
  return {
    workflowId: record.id,
    name: record.name,
    version: record.version,
    status: record.status as WorkflowStatus,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * What is known of a run, as `handle.info()` returns it.
 *
 * @param record The run's record.
 * @param input Its input, read back from the store.
 * @returns Its info.
 */
export function runInfo(record: WorkflowRecord, input: JsonValue): WorkflowInfo {
  const info: WorkflowInfo = {
    workflowId: record.id,
    name: record.name,
    version: record.version,
    description: record.description,
    module: record.module,
    status: record.status as WorkflowStatus,
    input,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    eventCount: record.events,
  };
  if (record.completedAt !== undefined) info.completedAt = record.completedAt;
  if (record.error !== undefined) info.error = record.error as unknown as SerializedError;
  return info;
}
