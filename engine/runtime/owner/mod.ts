/**
 * Ownership of a KV file: the owner lease, the recovery of unfinished runs at start, and the
 * inbox through which other processes reach the owner.
 *
 * @module
 */

export { type InboxHandlers, InboxServer } from "./inbox_server.ts";
export { type LeaseGate, LeaseKeeper, type LeaseKeeperOptions } from "./lease_keeper.ts";
export { PendingStarts } from "./pending_starts.ts";
export { recoverRuns, toEntry } from "./recovery.ts";
export type { ActivityState, InboxTicket, Item, Run } from "../run.ts";
