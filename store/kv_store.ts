/**
 * The store: Loom's records in Deno KV. One implementation, over any `Deno.Kv` (a local file,
 * `:memory:`, or a remote database without queues).
 *
 * @module
 */

import { decodeValue } from "./chunks.ts";
import { apply, type Mutation, pack, plan, type Transition } from "./commit.ts";
import { type Key, keys } from "./keys.ts";
import type {
  EventLocation,
  HistoryRecord,
  InboxReply,
  InboxRequest,
  LogRecord,
  StoredEvent,
  StoredValue,
  TaskRecord,
  WorkflowRecord,
} from "./records.ts";
import { ensureSchema } from "./schema.ts";

/** The owner lost its lease: another process owns the partition now. */
export class FenceLost extends Error {
  /** @param partition Partition. */
  constructor(partition: number) {
    super(`The owner lease of partition ${partition} was taken over by another process`);
    this.name = "FenceLost";
  }
}

/** Filters of {@linkcode KvStore.listWorkflows}. */
export interface WorkflowQuery {
  /** Status. */
  status?: string;
  /** Workflow name. */
  name?: string;
  /** Page size. */
  limit?: number;
  /** Cursor from the previous page. */
  cursor?: string;
  /** Oldest first instead of newest first. */
  oldestFirst?: boolean;
}

/** A page of something. */
export interface Page<T> {
  /** Items. */
  items: T[];
  /** Cursor of the next page, absent on the last page. */
  cursor?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Loom's records over a `Deno.Kv`. */
export class KvStore {
  /** The KV handle. */
  readonly kv: Deno.Kv;
  /** Name of the database, for messages. */
  readonly where: string;
  #fence: { partition: number; versionstamp: string } | undefined;

  /** @param kv An open handle. @param where Its path or name. */
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
    const res = await atomic.commit();
    if (!res.ok) throw new FenceLost(this.#fence?.partition ?? 0);
  }

  /**
   * Commits transitions, as few atomic operations as the limits allow; each transition lands
   * whole or not at all.
   *
   * @param transitions In commit order.
   * @returns For each transition, `undefined` when it landed, or the error that refused it.
   * @throws {FenceLost} When another process owns the partition now (nothing more lands).
   */
  async commit(transitions: Transition[]): Promise<(Error | undefined)[]> {
    const packed = transitions.map(pack);
    const p = plan(packed);
    const results: (Error | undefined)[] = transitions.map(() => undefined);
    for (const op of p.chunkOps) await this.#commitOp(op);
    for (let i = 0; i < p.ops.length; i++) {
      const members = p.members[i] as number[];
      try {
        await this.#commitOp(p.ops[i] as Mutation[]);
      } catch (e) {
        if (e instanceof FenceLost) throw e;
        if (members.length === 1) {
          results[members[0] as number] = e instanceof Error ? e : new Error(String(e));
          continue;
        }
        for (const m of members) {
          results[m] = (await this.commit([transitions[m] as Transition]))[0];
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
  async getWorkflow(id: string): Promise<WorkflowRecord | undefined> {
    return (await this.kv.get<WorkflowRecord>(keys.workflow(id))).value ?? undefined;
  }

  /**
   * Reads several runs' records, in the order of `ids`.
   *
   * @param ids Run ids.
   * @returns Records (`undefined` where missing).
   */
  async getWorkflows(ids: string[]): Promise<(WorkflowRecord | undefined)[]> {
    const out: (WorkflowRecord | undefined)[] = [];
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += 10) groups.push(ids.slice(i, i + 10));
    const pages = await Promise.all(
      groups.map((g) => this.kv.getMany<WorkflowRecord[]>(g.map(keys.workflow))),
    );
    for (const page of pages) for (const e of page) out.push(e.value ?? undefined);
    return out;
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
   * Reads a history entry's events back when they were stored as chunks.
   *
   * @param id Run id.
   * @param h The entry as stored.
   * @returns The entry with its events.
   */
  decodeHistory(id: string, h: HistoryRecord): Promise<HistoryRecord> {
    return this.#decodeHistory(id, h);
  }

  async #decodeHistory(id: string, h: HistoryRecord & { blob?: StoredValue }): Promise<
    HistoryRecord
  > {
    if (h.blob === undefined) return h;
    const events = await decodeValue(this.kv, id, h.blob) as unknown[];
    const { blob: _, ...rest } = h;
    return { ...rest, events };
  }

  /**
   * Reads a run's whole history, in order.
   *
   * @param id Run id.
   * @returns Its entries.
   */
  async loadHistory(id: string): Promise<HistoryRecord[]> {
    const out: HistoryRecord[] = [];
    for await (const e of this.kv.list<HistoryRecord>({ prefix: keys.historyPrefix(id) })) {
      out.push(await this.#decodeHistory(id, e.value));
    }
    return out;
  }

  /**
   * Reads a run's events with their global ids.
   *
   * @param id Run id.
   * @returns Events in order.
   */
  async listEventsOf(id: string): Promise<StoredEvent[]> {
    return flatten(id, await this.loadHistory(id));
  }

  /**
   * Finds one event by its global id.
   *
   * @param eventId Global id.
   * @returns The event, or `undefined`.
   */
  async getEvent(eventId: number): Promise<StoredEvent | undefined> {
    const iter = this.kv.list<EventLocation>({
      start: keys.eventIndex(0),
      end: keys.eventIndex(eventId + 1),
    }, { reverse: true, limit: 1 });
    for await (const e of iter) {
      const first = e.key[1] as number;
      const loc = e.value;
      if (eventId >= first + loc.count) return undefined;
      const h = await this.kv.get<HistoryRecord>(keys.history(loc.workflowId, loc.r));
      if (h.value === null) return undefined;
      const record = await this.#decodeHistory(loc.workflowId, h.value);
      return flatten(loc.workflowId, [record])[eventId - first];
    }
    return undefined;
  }

  /**
   * Lists events of all runs by global id.
   *
   * @param options `after`: only ids above it; `limit`; `newestFirst`.
   * @returns Events.
   */
  async listEvents(
    options: { after?: number; limit?: number; newestFirst?: boolean } = {},
  ): Promise<StoredEvent[]> {
    const limit = options.limit ?? 100;
    const out: StoredEvent[] = [];
    let start = options.after === undefined ? undefined : keys.eventIndex(options.after + 1);
    if (options.after !== undefined) {
      // Start at the entry that holds the next id, which may begin before it.
      const holder = this.kv.list<EventLocation>({
        prefix: keys.eventIndexPrefix(),
        end: keys.eventIndex(options.after + 1),
      }, { reverse: true, limit: 1 });
      for await (const e of holder) {
        if ((e.key[1] as number) + e.value.count > options.after + 1) start = e.key;
      }
    }
    const selector = start === undefined
      ? { prefix: keys.eventIndexPrefix() }
      : { start, end: [...keys.eventIndexPrefix(), Number.MAX_SAFE_INTEGER] as Key };
    for await (
      const e of this.kv.list<EventLocation>(selector, {
        reverse: options.newestFirst ?? false,
      })
    ) {
      const h = await this.kv.get<HistoryRecord>(keys.history(e.value.workflowId, e.value.r));
      if (h.value === null) continue;
      let events = flatten(e.value.workflowId, [
        await this.#decodeHistory(e.value.workflowId, h.value),
      ]);
      if (options.after !== undefined) events = events.filter((x) => x.id > (options.after ?? 0));
      if (options.newestFirst) events.reverse();
      for (const ev of events) {
        out.push(ev);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * Lists runs, newest first, by status or name.
   *
   * @param query Filters and paging.
   * @returns A page of records.
   */
  async listWorkflows(query: WorkflowQuery = {}): Promise<Page<WorkflowRecord>> {
    const limit = Math.max(1, Math.min(query.limit ?? 50, 1000));
    const prefix = query.name !== undefined
      ? keys.byNamePrefix(query.name)
      : query.status !== undefined
      ? keys.byStatusPrefix(query.status)
      : keys.byTimePrefix();
    const filterStatus = query.name !== undefined ? query.status : undefined;
    const iter = this.kv.list<null>({ prefix }, {
      reverse: !query.oldestFirst,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      batchSize: filterStatus === undefined ? Math.min(limit + 1, 1000) : 200,
    });
    const items: WorkflowRecord[] = [];
    let cursor: string | undefined;
    let more = false;
    const pending: string[] = [];
    const drain = async () => {
      const records = await this.getWorkflows(pending.splice(0));
      for (const r of records) {
        if (r !== undefined && (filterStatus === undefined || r.status === filterStatus)) {
          items.push(r);
        }
      }
    };
    for await (const e of iter) {
      if (items.length + pending.length >= limit) {
        await drain();
        if (items.length >= limit) {
          more = true;
          break;
        }
      }
      pending.push(e.key[e.key.length - 1] as string);
      cursor = iter.cursor;
    }
    if (!more) await drain();
    if (items.length > limit) items.length = limit;
    const page: Page<WorkflowRecord> = { items };
    if (more && cursor !== undefined) page.cursor = cursor;
    return page;
  }

  /**
   * Lists the ids of runs with a status, oldest first.
   *
   * @param status Status.
   * @returns Run ids.
   */
  async idsWithStatus(status: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const e of this.kv.list<null>({ prefix: keys.byStatusPrefix(status) })) {
      ids.push(e.key[e.key.length - 1] as string);
    }
    return ids;
  }

  async #lastNumber(prefix: Key): Promise<number> {
    for await (const e of this.kv.list({ prefix }, { reverse: true, limit: 1 })) {
      return e.key[prefix.length] as number;
    }
    return 0;
  }

  /**
   * Reads the highest ids in use, so that new ones continue from them.
   *
   * @returns The last event, log and task ids (0 when none).
   */
  async lastIds(): Promise<{ event: number; log: number; task: number }> {
    let event = 0;
    const last = this.kv.list<EventLocation>({ prefix: keys.eventIndexPrefix() }, {
      reverse: true,
      limit: 1,
    });
    for await (const e of last) event = (e.key[1] as number) + e.value.count - 1;
    const [log, task] = await Promise.all([
      this.#lastNumber(keys.logPrefix()),
      this.#lastNumber(keys.taskPrefix()),
    ]);
    return { event, log, task };
  }

  /**
   * Reads a task.
   *
   * @param id Task id.
   * @returns The task, or `undefined`.
   */
  async getTask(id: number): Promise<TaskRecord | undefined> {
    return (await this.kv.get<TaskRecord>(keys.task(id))).value ?? undefined;
  }

  /**
   * Lists tasks, newest first.
   *
   * @param options Filters and page size.
   * @returns Tasks.
   */
  async listTasks(
    options: { status?: string; workflowId?: string; kind?: string; limit?: number } = {},
  ): Promise<TaskRecord[]> {
    const limit = options.limit ?? 100;
    const out: TaskRecord[] = [];
    for await (
      const e of this.kv.list<TaskRecord>({ prefix: keys.taskPrefix() }, { reverse: true })
    ) {
      const t = e.value;
      if (options.status !== undefined && t.status !== options.status) continue;
      if (options.workflowId !== undefined && t.workflowId !== options.workflowId) continue;
      if (options.kind !== undefined && t.kind !== options.kind) continue;
      out.push(t);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Deletes the oldest finished tasks beyond a number kept.
   *
   * @param keep How many finished tasks to keep.
   * @returns How many were deleted.
   */
  async pruneTasks(keep: number): Promise<number> {
    let seen = 0;
    const doomed: Key[] = [];
    for await (
      const e of this.kv.list<TaskRecord>({ prefix: keys.taskPrefix() }, { reverse: true })
    ) {
      if (e.value.status !== "COMPLETED" && e.value.status !== "FAILED") continue;
      if (++seen > keep) doomed.push(e.key);
      if (doomed.length >= 500) break;
    }
    for (let i = 0; i < doomed.length; i += 200) {
      const op = doomed.slice(i, i + 200).map((key): Mutation => ({ kind: "delete", key }));
      await this.#commitOp(op);
    }
    return doomed.length;
  }

  /**
   * Lists log entries, newest first.
   *
   * @param options Run, level and page size.
   * @returns Entries.
   */
  async listLogs(
    options: { workflowId?: string; level?: string; limit?: number } = {},
  ): Promise<LogRecord[]> {
    const limit = options.limit ?? 100;
    const prefix = options.workflowId === undefined
      ? keys.logPrefix()
      : keys.logOfWorkflowPrefix(options.workflowId);
    const out: LogRecord[] = [];
    for await (const e of this.kv.list<LogRecord>({ prefix }, { reverse: true })) {
      if (options.level !== undefined && e.value.level !== options.level) continue;
      out.push(e.value);
      if (out.length >= limit) break;
    }
    return out;
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

function flatten(workflowId: string, records: HistoryRecord[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const h of records) {
    h.events.forEach((e, i) => {
      const { type, payload } = e as { type: string; payload: unknown };
      out.push({ id: h.firstEventId + i, workflowId, type, payload, createdAt: h.time });
    });
  }
  return out;
}
