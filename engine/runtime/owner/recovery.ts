/**
 * Recovery: when an owner takes partitions (at start, or from a process that left or died), it
 * loads every `RUNNING` run of them from the store with what its history leaves open
 * (activities without a result, armed timers), so that the engine resumes them. A run whose
 * stored data cannot be read is set apart and reported; the others go on.
 *
 * @module
 */

import type { HistoryEntry } from "../../replay/history.ts";
import { type PendingWork, pendingWork } from "../../replay/history.ts";
import type { WorkflowEvent } from "../../replay/events.ts";
import { WorkflowStatus } from "../../replay/events.ts";
import type { JsonValue } from "../../json.ts";
import {
  DamagedData,
  type HistoryRecord,
  type KvStore,
  type WorkflowRecord,
} from "../../../store/mod.ts";
import type { StoredDataError } from "../../errors.ts";
import { storedDataError } from "../../views/mod.ts";
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
 * Loads every unfinished run of some partitions: its record, input, history (kept for its first
 * activation) and open tasks.
 *
 * @param store The store.
 * @param partitions The partitions taken.
 * @param onRun Called for each run with what its history leaves open.
 * @param onNotStarted Called for each run whose record was written but which never started (a
 * start outside the owner, or an owner that stopped right after writing it).
 * @param onDamaged Called for each run whose stored data cannot be read (it is not loaded).
 */
export async function recoverRuns(
  store: KvStore,
  partitions: ReadonlySet<number>,
  onRun: (run: Run, work: PendingWork) => void,
  onNotStarted: (record: WorkflowRecord) => Promise<unknown>,
  onDamaged: (error: StoredDataError) => void,
): Promise<void> {
  const ids = (await store.idsWithStatus(WorkflowStatus.Running)).filter((id) =>
    partitions.has(store.partitionOf(id))
  );
  let next = 0;
  const load = async (id: string) => {
    const stored = await store.getWorkflow(id);
    if (stored === undefined || stored.status !== WorkflowStatus.Running) return undefined;
    // A record written before partitions names partition 0: its id tells the partition.
    const record = { ...stored, partition: store.partitionOf(id) };
    if (record.entries === 0) return { record, history: [], input: undefined, started: false };
    const [history, input] = await Promise.all([
      store.loadHistory(id),
      store.readValue(id, record.input, "input"),
    ]);
    return { record, history, input, started: true };
  };
  const reader = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      let loaded: Awaited<ReturnType<typeof load>>;
      try {
        loaded = await load(id);
      } catch (e) {
        if (!(e instanceof DamagedData)) throw e;
        onDamaged(storedDataError(e) as StoredDataError);
        continue;
      }
      if (loaded === undefined) continue;
      const { record, history, input, started } = loaded;
      if (!started) {
        await onNotStarted(record);
        continue;
      }
      const entries = history.map(toEntry);
      const run = new Run(record, input as JsonValue);
      run.resetTo(record);
      run.history = entries;
      onRun(run, pendingWork(entries));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READERS, ids.length) }, reader));
}
