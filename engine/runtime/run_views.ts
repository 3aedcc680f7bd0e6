/**
 * What clients read of runs, built from the store's records: shared by the engine and by the
 * client of processes that do not own the file.
 *
 * @module
 */

import type { ListOptions, ListPage, WorkflowInfo } from "../client.ts";
import type { WorkflowStatus } from "../replay/events.ts";
import type { SerializedError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import type { KvStore, WorkflowRecord } from "../../store/mod.ts";

/**
 * Lists runs, newest first.
 *
 * @param store The store.
 * @param options Status, workflow name, page size, cursor.
 * @returns A page of runs and the cursor of the next one.
 */
export async function listRuns(store: KvStore, options: ListOptions = {}): Promise<ListPage> {
  const page = await store.listWorkflows({
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.workflow === undefined ? {} : { name: options.workflow }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  const out: ListPage = {
    items: page.items.map((r) => ({
      workflowId: r.id,
      name: r.name,
      version: r.version,
      status: r.status as WorkflowStatus,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    })),
  };
  if (page.cursor !== undefined) out.cursor = page.cursor;
  return out;
}

/**
 * What is known of a run.
 *
 * @param store The store (for the input).
 * @param record The run's record.
 * @returns Its info.
 */
export async function runInfo(store: KvStore, record: WorkflowRecord): Promise<WorkflowInfo> {
  const info: WorkflowInfo = {
    workflowId: record.id,
    name: record.name,
    version: record.version,
    description: record.description,
    module: record.module,
    status: record.status as WorkflowStatus,
    input: await store.readValue(record.id, record.input) as JsonValue,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    eventCount: record.events,
  };
  if (record.completedAt !== undefined) info.completedAt = record.completedAt;
  if (record.error !== undefined) info.error = record.error as unknown as SerializedError;
  return info;
}
