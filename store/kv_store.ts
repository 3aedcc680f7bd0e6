/**
 * The store: Loom's records in Deno KV. One implementation, over any `Deno.Kv` (a local file,
 * `:memory:`, or a remote database without queues).
 *
 * @module
 */

import { decodeValue } from "./chunks.ts";
import { apply, type Mutation, pack, plan, type Transition } from "./commit.ts";
import { type Key, keys } from "./keys.ts";
import { lastIds } from "./queries/counts.ts";
import { loadHistory } from "./queries/history.ts";
import { getRun, runIdsWithStatus } from "./queries/runs.ts";
import type {
  HistoryRecord,
  InboxReply,
  InboxRequest,
  StoredValue,
  TaskRecord,
  WorkflowRecord,
} from "./records.ts";
import { ensureSchema } from "./schema.ts";
import { isTransientStorageError } from "./transient.ts";

/** The owner lost its lease: another process owns the partition now. */
export class FenceLost extends Error {
  /**
   * Creates the error.
   *
   * @param partition Partition.
   */
  constructor(partition: number) {
    super(`The owner lease of partition ${partition} was taken over by another process`);
    this.name = "FenceLost";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a commit retries while SQLite reports the database locked by another process. */
const LOCKED_RETRY_MS = 10_000;

/**
 * Opens a KV database, retrying while SQLite reports it locked.
 *
 * @param path File path, `:memory:`, a KV Connect URL, or `undefined` for the default.
 * @returns The handle.
 */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  for (let attempt = 0;; attempt++) {
    try {
      return await Deno.openKv(path);
    } catch (e) {
      if (attempt >= 20 || !String(e).includes("locked")) throw e;
      await sleep(25 * (attempt + 1));
    }
  }
}

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
  #fence: { partition: number; versionstamp: string } | undefined;

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
   * Writes or checks the schema version.
   *
   * @throws {SchemaMismatch} On a newer file.
   */
  ensureSchema(): Promise<void> {
    return ensureSchema(this.kv, this.where);
  }

  /**
   * Makes every commit check the owner's epoch from now on.
   *
   * @param partition Partition.
   * @param versionstamp Versionstamp of the epoch key when the lease was taken.
   */
  setFence(partition: number, versionstamp: string): void {
    this.#fence = { partition, versionstamp };
  }

  async #commitOp(mutations: Mutation[]): Promise<void> {
    const atomic = this.kv.atomic();
    if (this.#fence !== undefined) {
      atomic.check({
        key: keys.epoch(this.#fence.partition),
        versionstamp: this.#fence.versionstamp,
      });
    }
    apply(atomic, mutations);
    let res: Deno.KvCommitResult | Deno.KvCommitError;
    const deadline = Date.now() + LOCKED_RETRY_MS;
    for (let attempt = 0;; attempt++) {
      try {
        res = await atomic.commit();
        break;
      } catch (e) {
        // Another process (a CLI, `loom web`, another owner) may hold SQLite's lock for a while;
        // other transient errors (a full disk) are the caller's to retry, after a rollback.
        if (!String(e).includes("database is locked") || Date.now() > deadline) throw e;
        await sleep(Math.min(250, 10 * (attempt + 1)));
      }
    }
    if (!res.ok) throw new FenceLost(this.#fence?.partition ?? 0);
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
    const packed = transitions.map(pack);
    const p = plan(packed);
    const results: (Error | undefined)[] = transitions.map(() => undefined);
    const refused = new Map<string, Error>();
    // After a passing failure (a full disk), the rest of the batch is refused alike.
    let failing: Error | undefined;
    const refuse = (m: number, error: Error) => {
      results[m] = error;
      const id = (transitions[m] as Transition).workflowId;
      if (!refused.has(id)) refused.set(id, error);
    };
    for (const op of p.chunkOps) await this.#commitOp(op);
    for (let i = 0; i < p.ops.length; i++) {
      const members = p.members[i] as number[];
      if (failing !== undefined) {
        for (const m of members) refuse(m, failing);
        continue;
      }
      const ids = members.map((m) => (transitions[m] as Transition).workflowId);
      if (!ids.some((id) => refused.has(id))) {
        try {
          await this.#commitOp(p.ops[i] as Mutation[]);
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
        const t = transitions[m] as Transition;
        const earlier = refused.get(t.workflowId);
        if (earlier !== undefined) {
          refuse(
            m,
            isTransientStorageError(earlier)
              ? earlier
              : new Error(`An earlier transition of workflow "${t.workflowId}" was refused`),
          );
          continue;
        }
        const error = (await this.commit([t]))[0];
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
   * @returns The value.
   */
  readValue(id: string, stored: StoredValue): Promise<unknown> {
    return decodeValue(this.kv, id, stored);
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
   * Deletes the task log beyond the most recent `keep` finished tasks (whole log keys).
   *
   * @param keep How many finished tasks to keep.
   * @returns How many were deleted.
   */
  async pruneTasks(keep: number): Promise<number> {
    let seen = 0;
    let deleted = 0;
    const doomed: Key[] = [];
    for await (
      const e of this.kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { reverse: true })
    ) {
      if (seen >= keep) {
        doomed.push(e.key);
        deleted += e.value.length;
        if (doomed.length >= 500) break;
      }
      seen += e.value.length;
    }
    for (let i = 0; i < doomed.length; i += 200) {
      const op = doomed.slice(i, i + 200).map((key): Mutation => ({ kind: "delete", key }));
      await this.#commitOp(op);
    }
    return deleted;
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
    await this.kv.set(keys.inbox(request.createdAt, request.id), request);
  }

  /**
   * Reads waiting inbox requests, oldest first.
   *
   * @param limit How many.
   * @returns Requests with their keys.
   */
  async readInbox(limit = 100): Promise<{ key: Key; request: InboxRequest }[]> {
    const out: { key: Key; request: InboxRequest }[] = [];
    for await (const e of this.kv.list<InboxRequest>({ prefix: keys.inboxPrefix() }, { limit })) {
      out.push({ key: e.key, request: e.value });
    }
    return out;
  }

  /**
   * Answers an inbox request and removes it, in one operation.
   *
   * @param key The request's key.
   * @param id The request's id.
   * @param reply The answer.
   */
  async answerInbox(key: Key, id: string, reply: InboxReply): Promise<void> {
    await this.#commitOp([
      { kind: "delete", key },
      {
        kind: "set",
        key: keys.inboxReply(id),
        value: { ...reply, at: Date.now() },
        expireIn: 3_600_000,
      },
    ]);
  }

  /**
   * Reads the answer to an inbox request, and removes it once read.
   *
   * @param id The request's id.
   * @returns The answer, or `undefined` when there is none yet.
   */
  async takeReply(id: string): Promise<InboxReply | undefined> {
    const e = await this.kv.get<InboxReply>(keys.inboxReply(id));
    if (e.value === null) return undefined;
    await this.kv.delete(keys.inboxReply(id));
    return e.value;
  }

  /** Closes the KV handle. */
  close(): void {
    this.kv.close();
  }
}
