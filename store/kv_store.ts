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
  EventIndexEntry,
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

/** A history entry as stored: events as JSON text, or chunked. */
type StoredHistory = Omit<HistoryRecord, "events"> & {
  json?: string;
  blob?: StoredValue;
  events?: unknown[];
};

/** The owner lost its lease: another process owns the partition now. */
export class FenceLost extends Error {
  /**
   * Creates the store.
   *
   * @param partition Partition.
   */
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
    for (let attempt = 0;; attempt++) {
      try {
        res = await atomic.commit();
        break;
      } catch (e) {
        // Another process (a CLI, `loom web`) may hold SQLite's lock for a moment.
        if (attempt >= 20 || !String(e).includes("database is locked")) throw e;
        await sleep(10 * (attempt + 1));
      }
    }
    if (!res.ok) throw new FenceLost(this.#fence?.partition ?? 0);
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
    const refused = new Set<string>();
    for (const op of p.chunkOps) await this.#commitOp(op);
    for (let i = 0; i < p.ops.length; i++) {
      const members = p.members[i] as number[];
      const ids = members.map((m) => (transitions[m] as Transition).workflowId);
      if (!ids.some((id) => refused.has(id))) {
        try {
          await this.#commitOp(p.ops[i] as Mutation[]);
          continue;
        } catch (e) {
          if (e instanceof FenceLost) throw e;
          if (members.length === 1) {
            results[members[0] as number] = e instanceof Error ? e : new Error(String(e));
            refused.add(ids[0] as string);
            continue;
          }
        }
      }
      // One by one, in order; a run's later transitions fall with its refused one.
      for (const m of members) {
        const t = transitions[m] as Transition;
        if (refused.has(t.workflowId)) {
          results[m] = new Error(
            `An earlier transition of workflow "${t.workflowId}" was refused`,
          );
          continue;
        }
        const error = (await this.commit([t]))[0];
        if (error !== undefined) {
          results[m] = error;
          refused.add(t.workflowId);
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
   * Reads a history entry back as it was written (events stored as JSON text or as chunks).
   *
   * @param id Run id.
   * @param h The entry as stored.
   * @returns The entry with its events.
   */
  decodeHistory(id: string, h: HistoryRecord): Promise<HistoryRecord> {
    return this.#decodeHistory(id, h as StoredHistory);
  }

  async #decodeHistory(id: string, h: StoredHistory): Promise<HistoryRecord> {
    const head = { r: h.r, kind: h.kind, time: h.time, firstEventId: h.firstEventId };
    if (h.json !== undefined) return { ...head, events: JSON.parse(h.json) };
    if (h.blob !== undefined) {
      return { ...head, events: await decodeValue(this.kv, id, h.blob) as unknown[] };
    }
    return { ...head, events: h.events ?? [] };
  }

  /**
   * Reads a run's whole history, in order.
   *
   * @param id Run id.
   * @returns Its entries.
   */
  async loadHistory(id: string): Promise<HistoryRecord[]> {
    const out: HistoryRecord[] = [];
    for await (const e of this.kv.list<StoredHistory>({ prefix: keys.historyPrefix(id) })) {
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

  async #entryEvents(entry: EventIndexEntry): Promise<StoredEvent[]> {
    const [workflowId, r] = entry;
    const h = await this.kv.get<StoredHistory>(keys.history(workflowId, r));
    if (h.value === null) return [];
    return flatten(workflowId, [await this.#decodeHistory(workflowId, h.value)]);
  }

  /** The event-index key whose range holds `eventId` (or the last one before it). */
  async #indexKeyAt(eventId: number): Promise<Key | undefined> {
    const iter = this.kv.list<EventIndexEntry[]>({
      start: keys.eventIndex(0),
      end: keys.eventIndex(eventId + 1),
    }, { reverse: true, limit: 1 });
    for await (const e of iter) return e.key;
    return undefined;
  }

  /**
   * Finds one event by its global id.
   *
   * @param eventId Global id.
   * @returns The event, or `undefined`.
   */
  async getEvent(eventId: number): Promise<StoredEvent | undefined> {
    const key = await this.#indexKeyAt(eventId);
    if (key === undefined) return undefined;
    const group = (await this.kv.get<EventIndexEntry[]>(key)).value ?? [];
    const entry = group.find(([, , first, count]) => eventId >= first && eventId < first + count);
    if (entry === undefined) return undefined;
    return (await this.#entryEvents(entry))[eventId - entry[2]];
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
    const after = options.after;
    const out: StoredEvent[] = [];
    let selector: Deno.KvListSelector = { prefix: keys.eventIndexPrefix() };
    if (after !== undefined) {
      const start = await this.#indexKeyAt(after + 1) ?? keys.eventIndex(0);
      selector = { start, end: keys.eventIndex(Number.MAX_SAFE_INTEGER) };
    }
    const newest = options.newestFirst ?? false;
    for await (const e of this.kv.list<EventIndexEntry[]>(selector, { reverse: newest })) {
      const group = newest ? [...e.value].reverse() : e.value;
      for (const entry of group) {
        if (after !== undefined && entry[2] + entry[3] - 1 <= after) continue;
        let events = await this.#entryEvents(entry);
        if (after !== undefined) events = events.filter((x) => x.id > after);
        if (newest) events.reverse();
        for (const ev of events) {
          out.push(ev);
          if (out.length >= limit) return out;
        }
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
  async lastIds(): Promise<{ event: number; log: number }> {
    let event = 0;
    const last = this.kv.list<EventIndexEntry[]>({ prefix: keys.eventIndexPrefix() }, {
      reverse: true,
      limit: 1,
    });
    for await (const e of last) {
      for (const [, , first, count] of e.value) event = Math.max(event, first + count - 1);
    }
    return { event, log: await this.#lastNumber(keys.logPrefix()) };
  }

  async *#openTasks(workflowId?: string): AsyncGenerator<TaskRecord> {
    if (workflowId !== undefined) {
      const record = await this.getWorkflow(workflowId);
      for (const t of [...record?.tasks ?? []].sort((a, b) => b.id - a.id)) yield t;
      return;
    }
    const ids: string[] = [];
    const iter = this.kv.list<null>({ prefix: keys.byStatusPrefix("RUNNING") }, {
      reverse: true,
    });
    const drain = async function* (store: KvStore, batch: string[]) {
      for (const r of await store.getWorkflows(batch)) {
        for (const t of [...r?.tasks ?? []].sort((a, b) => b.id - a.id)) yield t;
      }
    };
    for await (const e of iter) {
      ids.push(e.key[e.key.length - 1] as string);
      if (ids.length >= 50) yield* drain(this, ids.splice(0));
    }
    yield* drain(this, ids);
  }

  async *#finishedTasks(): AsyncGenerator<TaskRecord> {
    for await (
      const e of this.kv.list<TaskRecord[]>({ prefix: keys.taskLogPrefix() }, { reverse: true })
    ) {
      for (let i = e.value.length - 1; i >= 0; i--) yield e.value[i] as TaskRecord;
    }
  }

  /**
   * Reads a task: an open one from its run's record, a finished one from the task log.
   *
   * @param id Task id.
   * @param workflowId Its run, when known (faster).
   * @returns The task, or `undefined`.
   */
  async getTask(id: number, workflowId?: string): Promise<TaskRecord | undefined> {
    for await (const t of this.#openTasks(workflowId)) if (t.id === id) return t;
    for await (const t of this.#finishedTasks()) if (t.id === id) return t;
    return undefined;
  }

  /**
   * Lists tasks: open ones (PENDING, RUNNING; newest first) and then finished ones
   * (COMPLETED, FAILED; most recently finished first).
   *
   * @param options Filters and page size.
   * @returns Tasks.
   */
  async listTasks(
    options: { status?: string; workflowId?: string; kind?: string; limit?: number } = {},
  ): Promise<TaskRecord[]> {
    const limit = options.limit ?? 100;
    const out: TaskRecord[] = [];
    const wanted = (t: TaskRecord) =>
      (options.status === undefined || t.status === options.status) &&
      (options.workflowId === undefined || t.workflowId === options.workflowId) &&
      (options.kind === undefined || t.kind === options.kind);
    const open = options.status === undefined || options.status === "PENDING" ||
      options.status === "RUNNING";
    const finished = options.status === undefined || options.status === "COMPLETED" ||
      options.status === "FAILED";
    if (open) {
      for await (const t of this.#openTasks(options.workflowId)) {
        if (!wanted(t)) continue;
        out.push(t);
        if (out.length >= limit) return out;
      }
    }
    if (finished) {
      for await (const t of this.#finishedTasks()) {
        if (!wanted(t)) continue;
        out.push(t);
        if (out.length >= limit) return out;
      }
    }
    return out;
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
