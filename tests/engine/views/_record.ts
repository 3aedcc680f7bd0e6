/**
 * A run record to build views from.
 *
 * @module
 */

import type { WorkflowRecord } from "../../../store/mod.ts";

/**
 * A RUNNING record of `order` with id `o-1`, changed by `patch`.
 *
 * @param patch Fields to change.
 * @returns The record.
 */
export function record(patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
    id: "o-1",
    name: "order",
    version: "2",
    description: "Takes an order",
    module: "file:///flows.ts",
    status: "RUNNING",
    createdAt: 1000,
    updatedAt: 2000,
    entries: 3,
    events: 7,
    input: { v: { n: 1 } },
    partition: 0,
    tasks: [],
    ...patch,
  };
}
