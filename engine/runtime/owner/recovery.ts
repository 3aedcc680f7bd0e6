/**
 * Recovery: at start, the owner loads every `RUNNING` run from the store with what its history
 * leaves open (activities without a result, armed timers), so that the engine resumes them.
 *
 * @module
 */

import type { HistoryEntry } from "../../replay/history.ts";
import { type PendingWork, pendingWork } from "../../replay/history.ts";
import type { WorkflowEvent } from "../../replay/events.ts";
import { WorkflowStatus } from "../../replay/events.ts";
import type { JsonValue } from "../../json.ts";
import {
  type HistoryRecord,
  type KvStore,
  TaskKind,
  type WorkflowRecord,
} from "../../../store/mod.ts";
import { Run } from "../run.ts";

/** Runs read from the store at once. */
const READERS = 16;

/**
 * A history entry as the replay core reads it.
 *
 * @param h The entry as stored.
 * @returns The entry.
 */
export function toEntry(h: HistoryRecord): HistoryEntry {
  return { kind: h.kind, time: h.time, events: h.events as WorkflowEvent[] };
}

/**
 * Loads every unfinished run: its record, input, history (kept for its first activation) and
 * open tasks.
 *
 * @param store The store.
 * @param onRun Called for each run with what its history leaves open.
 * @param onNotStarted Called for each run whose record was written but which never started (a
 * start outside the owner, or an owner that stopped right after writing it).
 */
export async function recoverRuns(
  store: KvStore,
  onRun: (run: Run, work: PendingWork) => void,
  onNotStarted: (record: WorkflowRecord) => Promise<unknown>,
): Promise<void> {
  const ids = await store.idsWithStatus(WorkflowStatus.Running);
  let next = 0;
  const reader = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const record = await store.getWorkflow(id);
      if (record === undefined || record.status !== WorkflowStatus.Running) continue;
      if (record.entries === 0) {
        await onNotStarted(record);
        continue;
      }
      const [history, input] = await Promise.all([
        store.loadHistory(id),
        store.readValue(id, record.input),
      ]);
      const entries = history.map(toEntry);
      const run = new Run(record, input as JsonValue);
      run.resetTo(record);
      run.history = entries;
      onRun(run, pendingWork(entries));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READERS, ids.length) }, reader));
}
