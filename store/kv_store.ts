/**
 * The store: Loom's records in Deno KV. One implementation, over any `Deno.Kv` (a local file,
 * `:memory:`, or a remote database without queues).
 *
 * @module
 */

import { blobDeletes } from "./blob_writes.ts";
import { decodeValue } from "./chunks.ts";
import {
  apply,
  inputReference,
  type Mutation,
  pack,
  type Packed,
  plan,
  type Transition,
} from "./commit.ts";
import { type Key, keys } from "./keys.ts";
import { lastIds } from "./queries/counts.ts";
import { loadHistory } from "./queries/history.ts";
import { getRun, runIdsWithStatus } from "./queries/runs.ts";
import type {
  HistoryRecord,
  InboxReply,
  InboxRequest,
  StoredValue,
  WorkflowRecord,
} from "./records.ts";
import type { MigrationReport } from "./migrate.ts";
import { ensureSchema } from "./schema.ts";
import { pruneRollups, pruneTaskLog } from "./counters.ts";
import { ensureCounters } from "./counters_rebuild.ts";
import { isTransientStorageError } from "./transient.ts";
import { epochOf, WriteIds } from "./write_ids.ts";
import { commitPatiently, patiently } from "./patient_commit.ts";
import { FenceLost, PartitionNotHeld } from "./fence_errors.ts";
import { inboxAnswer, readInbox, takeReply } from "./inbox.ts";
import { DEFAULT_PARTITIONS, ensurePartitionCount, partitionOf } from "./partitions.ts";

/**
 * The write model of Loom's records over a `Deno.Kv`: the schema, the owner's fence, the commit
 * of transitions, stored values, the inbox, timers and pruning, and the few reads the owner needs
 * to run (a record, a history, the running ids, the last ids). Readers use `store/queries/`.
 */
export class KvStore {
  /** The KV handle. */
  readonly kv: Deno.Kv;
  /** Name of the database, for messages. */
  readonly where: string;
  /** The epochs this owner holds, by partition: a commit checks those of the runs it writes. */
  readonly #fences = new Map<number, { versionstamp: string; ids: WriteIds }>();
  /** Atomic operations being committed. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Write ids of a store that holds no lease (epoch 0, a random count). */
  readonly #unfenced = new WriteIds();
  #partitionCount: number = DEFAULT_PARTITIONS;
  #onChunksWritten: ((workflowIds: string[]) => void | Promise<void>) | undefined;

  /**
   * Creates the store.
   *
   * @param kv An open handle.
   * @param where Its path or name.
   */
  constructor(kv: Deno.Kv, where: string) {
    this.kv = kv;
    this.where = where;
  }

  /**
   * Writes or checks the schema version, migrates a file of an older version, and builds the
   * run counters of a file that has none yet (`counters_rebuild.ts`).
   *
   * @returns What a migration did, when one ran.
   * @throws {SchemaMismatch} On a newer file, or an older one that a live process owns.
   */
  async ensureSchema(): Promise<MigrationReport | undefined> {
    const report = await ensureSchema(this.kv, this.where);
    await ensureCounters(this.kv);
    return report;
  }

  /**
   * Reads (or, on a new file, writes) the file's partition count; runs are hashed over it.
   *
   * @param count The count to write on a file that has none.
   * @returns The file's count.
   */
  async ensurePartitions(count: number = DEFAULT_PARTITIONS): Promise<number> {
    this.#partitionCount = await ensurePartitionCount(this.kv, count);
    return this.#partitionCount;
  }

  /** The file's partition count (after `ensurePartitions`). */
  get partitionCount(): number {
    return this.#partitionCount;
  }

  /**
   * The partition of a run.
   *
   * @param workflowId The run.
   * @returns Its partition.
   */
  partitionOf(workflowId: string): number {
    return partitionOf(workflowId, this.#partitionCount);
  }

  /**
   * Makes every commit check a partition's epoch from now on, and hands out write ids of that
   * epoch for the partition's runs.
   *
   * @param partition Partition.
   * @param versionstamp Versionstamp of the epoch key when the lease was taken.
   * @param epoch The lease's epoch.
   */
  setFence(partition: number, versionstamp: string, epoch: number): void {
    const ids = new WriteIds();
    ids.setEpoch(epoch);
    this.#fences.set(partition, { versionstamp, ids });
  }

  /**
   * Stops checking a partition's epoch (its lease is given up).
   *
   * @param partition Partition.
   */
  dropFence(partition: number): void {
    this.#fences.delete(partition);
  }

  /** The partitions whose epochs commits check (each those of the runs it writes). */
  get fencedPartitions(): number[] {
    return [...this.#fences.keys()];
  }

  #writeId(workflowId: string): string {
    const fence = this.#fences.get(this.partitionOf(workflowId));
    return (fence?.ids ?? this.#unfenced).next();
  }

  /**
   * Sets a hook called after the chunks of large values have landed in operations of their
   * own and before the transitions that reference them (for tests that crash there).
   *
   * @param hook Receives the runs whose chunks landed.
   */
  onChunksWritten(hook: (workflowIds: string[]) => void | Promise<void>): void {
    this.#onChunksWritten = hook;
  }

  /**
   * The reference a new run's record holds for its input (see `inputReference`), with a write
   * id of this store when the input is chunked.
   *
   * @param workflowId The run.
   * @param input Its input.
   * @returns The reference.
   */
  inputReference(workflowId: string, input: unknown): StoredValue {
    return inputReference(workflowId, input, () => this.#writeId(workflowId));
  }

  /**
   * Commits one atomic operation that checks the epochs of `partitions` (the runs it writes;
   * all held ones when not given): a write for one run waits on no other partition's epoch.
   */
  async #commitOp(mutations: Mutation[], partitions?: ReadonlySet<number>): Promise<void> {
    for (let attempt = 0;; attempt++) {
      const fences = [...this.#fences].filter(([p]) =>
        partitions === undefined || partitions.has(p)
      );
      const atomic = this.kv.atomic();
      for (const [partition, fence] of fences) {
        atomic.check({ key: keys.epoch(partition), versionstamp: fence.versionstamp });
      }
      apply(atomic, mutations);
      const op = commitPatiently(atomic);
      this.#inFlight.add(op);
      // Another process (a CLI, `loom web`, another owner) may hold SQLite's lock for a while;
      // other transient errors (a full disk) are the caller's to retry, after a rollback.
      const res = await op.finally(() => this.#inFlight.delete(op));
      if (res.ok) return;
      const lost = await this.#lostPartitions(fences);
      // Only an epoch of a partition this process gave up moved (its new owner took it while
      // this operation waited): the partitions still held are intact, so try again without it.
      if (lost.length === 0 && attempt < 5) continue;
      throw new FenceLost(lost.length > 0 ? lost : fences.map(([p]) => p));
    }
  }

  /** Of the fences an operation checked, those still held whose epoch moved. */
  async #lostPartitions(
    checked: [number, { versionstamp: string }][],
  ): Promise<number[]> {
    const lost: number[] = [];
    for (let i = 0; i < checked.length; i += 10) {
      const group = checked.slice(i, i + 10);
      const entries = await this.kv.getMany(group.map(([p]) => keys.epoch(p)));
      group.forEach(([p, fence], k) => {
        const held = this.#fences.get(p);
        if (held === undefined || held.versionstamp !== fence.versionstamp) return;
        if (entries[k]?.versionstamp !== fence.versionstamp) lost.push(p);
      });
    }
    return lost;
  }

  /**
   * Waits until no operation that checked a fence that is dropped now is still in flight (a
   * partition's lease is released only then, so that its next owner's epoch fails none).
   */
  async settleFences(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Writes one small fenced key, to tell whether the store takes writes again.
   *
   * @throws {FenceLost} When another process owns the partition now.
   * @throws The storage error, while writes still fail.
   */
  async probe(): Promise<void> {
    await this.#commitOp([{ kind: "set", key: keys.probe(), value: Date.now() }]);
  }

  /**
   * Commits transitions, as few atomic operations as the limits allow; each transition lands
   * whole or not at all, in order, and once a run's transition is refused its later ones are
   * refused too.
   *
   * @param transitions In commit order.
   * @returns For each transition, `undefined` when it landed, or the error that refused it.
   * @throws {FenceLost} When another process owns the partition now (nothing more lands).
   */
  async commit(transitions: Transition[]): Promise<(Error | undefined)[]> {
    if (this.#fences.size > 0) {
      // An owner writes only the runs of partitions it holds: one it gave up is another's now.
      const refused = transitions.map((t) => {
        const p = this.partitionOf(t.workflowId);
        return this.#fences.has(p) ? undefined : new PartitionNotHeld(t.workflowId, p);
      });
      if (refused.some((e) => e !== undefined)) {
        const held = transitions.filter((_, i) => refused[i] === undefined);
        const landed = await this.#commitHeld(held);
        let k = 0;
        return refused.map((e) => e ?? landed[k++]);
      }
    }
    return await this.#commitHeld(transitions);
  }

  async #commitHeld(transitions: Transition[]): Promise<(Error | undefined)[]> {
    if (transitions.length === 0) return [];
    const packed = transitions.map((t) => pack(t, () => this.#writeId(t.workflowId)));
    const p = plan(packed);
    const batch = new Set(transitions.map((t) => this.partitionOf(t.workflowId)));
    for (const op of p.chunkOps) await this.#commitOp(op, batch);
    if (p.chunkOps.length > 0 && this.#onChunksWritten !== undefined) {
      await this.#onChunksWritten(p.separate.map((i) => (packed[i] as Packed).workflowId));
    }
    const results = await this.#commitPacked(packed, p);
    // Chunks written for a refused transition are referenced by nothing: remove them now (what
    // this misses, a pending-blob key names for the next recovery).
    const orphans = p.separate.filter((i) => results[i] !== undefined).map((i) => packed[i]);
    for (const o of orphans as Packed[]) {
      const blobs = o.blobs.map((b) => ({ writeId: b.writeId, chunks: b.chunks.length }));
      await this.#deleteAll(blobDeletes(o.workflowId, blobs)).catch(() => {});
    }
    return results;
  }

  /**
   * Commits the operations of packed transitions whose separate chunks have landed. After a
   * passing failure (a full disk), the rest of the batch is refused alike, with that error.
   */
  async #commitPacked(
    packed: Packed[],
    p: ReturnType<typeof plan>,
  ): Promise<(Error | undefined)[]> {
    const results: (Error | undefined)[] = packed.map(() => undefined);
    const refused = new Map<string, Error>();
    let failing: Error | undefined;
    const refuse = (m: number, error: Error) => {
      results[m] = error;
      const id = (packed[m] as Packed).workflowId;
      if (!refused.has(id)) refused.set(id, error);
    };
    for (let i = 0; i < p.ops.length; i++) {
      const members = p.members[i] as number[];
      if (failing !== undefined) {
        for (const m of members) refuse(m, failing);
        continue;
      }
      const ids = members.map((m) => (packed[m] as Packed).workflowId);
      if (!ids.some((id) => refused.has(id))) {
        try {
          await this.#commitOp(
            p.ops[i] as Mutation[],
            new Set(ids.map((id) => this.partitionOf(id))),
          );
          continue;
        } catch (e) {
          if (e instanceof FenceLost) throw e;
          const error = e instanceof Error ? e : new Error(String(e));
          if (isTransientStorageError(error)) failing = error;
          if (members.length === 1 || failing !== undefined) {
            for (const m of members) refuse(m, error);
            continue;
          }
        }
      }
      // One by one, in order; a run's later transitions fall with its refused one.
      for (const m of members) {
        const one = packed[m] as Packed;
        const earlier = refused.get(one.workflowId);
        if (earlier !== undefined) {
          refuse(
            m,
            isTransientStorageError(earlier)
              ? earlier
              : new Error(`An earlier transition of workflow "${one.workflowId}" was refused`),
          );
          continue;
        }
        // Planned alone, it keeps its chunks where they were (landed, or in its operation).
        const error = (await this.#commitPacked([one], plan([one])))[0];
        if (error !== undefined) {
          refuse(m, error);
          if (isTransientStorageError(error)) failing = error;
        }
      }
    }
    return results;
  }

  /**
   * Reads a run's record.
   *
   * @param id Run id.
   * @returns The record, or `undefined`.
   */
  getWorkflow(id: string): Promise<WorkflowRecord | undefined> {
    return getRun(this.kv, id);
  }

  /**
   * Reads a stored value back (input, result).
   *
   * @param id Run id.
   * @param stored The stored value.
   * @param part What it is, for the error. @default "value"
   * @returns The value.
   * @throws {DamagedData} When it cannot be read.
   */
  readValue(id: string, stored: StoredValue, part?: string): Promise<unknown> {
    return decodeValue(this.kv, id, stored, part);
  }

  /**
   * Removes the chunks of writes whose transition never landed: those that a pending-blob key
   * names, of lease epochs older than this store's (no write of theirs can still land: every
   * commit checks the epoch). Call it holding the lease, after `setFence`.
   *
   * @param partitions Only the runs of these partitions (held ones); every held one by default.
   * @returns How many orphaned values were removed.
   */
  async removeOrphanedChunks(partitions?: number[]): Promise<number> {
    const only = partitions === undefined ? undefined : new Set(partitions);
    const doomed: Mutation[] = [];
    let n = 0;
    for await (
      const e of this.kv.list<{ chunks?: unknown }>({ prefix: keys.pendingBlobPrefix() })
    ) {
      const [, workflowId, writeId] = e.key as [string, string, string];
      const partition = this.partitionOf(workflowId);
      if (only !== undefined && !only.has(partition)) continue;
      // Only a partition this owner holds, and only writes of its earlier epochs.
      const epoch = this.#fences.get(partition)?.ids.epoch;
      const of = epochOf(writeId);
      if (epoch === undefined || of === undefined || of >= epoch) continue;
      const chunks = Number.isSafeInteger(e.value?.chunks) ? e.value.chunks as number : 0;
      doomed.push(...blobDeletes(workflowId, [{ writeId, chunks }]));
      n++;
    }
    await this.#deleteAll(doomed);
    return n;
  }

  /** Commits deletes in batches (fenced). */
  async #deleteAll(deletes: Mutation[]): Promise<void> {
    for (let i = 0; i < deletes.length; i += 200) await this.#commitOp(deletes.slice(i, i + 200));
  }

  /**
   * Reads a run's whole history, in order.
   *
   * @param id Run id.
   * @returns Its entries.
   */
  loadHistory(id: string): Promise<HistoryRecord[]> {
    return loadHistory(this.kv, id);
  }

  /**
   * Lists the ids of runs with a status, oldest first.
   *
   * @param status Status.
   * @returns Run ids.
   */
  idsWithStatus(status: string): Promise<string[]> {
    return runIdsWithStatus(this.kv, status);
  }

  /**
   * Reads the highest ids in use, so that new ones continue from them.
   *
   * @returns The last event and log ids (0 when none).
   */
  lastIds(): Promise<{ event: number; log: number }> {
    return lastIds(this.kv);
  }

  /**
   * Deletes the task log beyond the most recent `keep` finished tasks (whole log keys), and the
   * minute rollups older than a day.
   *
   * @param keep How many finished tasks to keep.
   * @returns How many tasks were deleted.
   */
  async pruneTasks(keep: number): Promise<number> {
    await pruneRollups(this.kv);
    return await pruneTaskLog(this.kv, keep, (op) => this.#commitOp(op));
  }

  /**
   * Lists timer index entries due at or before a time.
   *
   * @param until Time (ms).
   * @returns `[dueAt, workflowId, seq]` entries.
   */
  async dueTimers(until: number): Promise<[number, string, number][]> {
    const out: [number, string, number][] = [];
    for await (
      const e of this.kv.list({ start: keys.timerPrefix(), end: keys.timer(until + 1, "", 0) })
    ) {
      out.push([e.key[1] as number, e.key[2] as string, e.key[3] as number]);
    }
    return out;
  }

  /**
   * Writes a request for the owner (from a process that does not own the file).
   *
   * @param request The request.
   */
  async putInbox(request: InboxRequest): Promise<void> {
    const partition = this.partitionOf(request.workflowId);
    await patiently(() =>
      this.kv.set(keys.inbox(partition, request.createdAt, request.id), request)
    );
  }

  /** Reads a partition's waiting inbox requests, oldest first (see `inbox.ts`). */
  readInbox(partition: number, limit = 100): Promise<{ key: Key; request: InboxRequest }[]> {
    return readInbox(this.kv, partition, limit);
  }

  /**
   * Answers an inbox request and removes it, in one operation.
   *
   * @param key The request's key.
   * @param id The request's id.
   * @param reply The answer.
   */
  async answerInbox(key: Key, id: string, reply: InboxReply): Promise<void> {
    await this.#commitOp(inboxAnswer(key, id, reply, Date.now()));
  }

  /** Reads the answer to an inbox request, and removes it once read (see `inbox.ts`). */
  takeReply(id: string): Promise<InboxReply | undefined> {
    return takeReply(this.kv, id);
  }

  /** Closes the KV handle. */
  close(): void {
    this.kv.close();
  }
}
