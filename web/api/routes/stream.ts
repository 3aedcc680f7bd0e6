/**
 * The live feed, as Server-Sent Events: `GET /api/events/stream` (all runs) and `GET
 * /api/workflows/{id}/events/stream` (one run).
 *
 * Each event is a message whose `id:` is the event's global id and whose data is the event (the
 * reference's shape). After a change's events comes an `event: run` message with the run's new
 * status. A client that reconnects sends `Last-Event-ID` (browsers do it by themselves), or
 * passes `?after=ID`: the events after that id are read back from KV first, then the feed goes
 * live, so nothing is missed and nothing is sent twice. Comments (`: heartbeat`) keep idle
 * connections open. The one-run feed ends with `event: end` once the run has ended.
 *
 * @module
 */

import type { LoomReader } from "../../../engine/mod.ts";
import type { StoredEvent } from "../../../store/mod.ts";
import { type Context, createRoute, type SSEStreamingApi, streamSSE, z } from "../../_deps.ts";
import type { FeedChange } from "../../backend.ts";
import type { RouteDeps, RoutesApp } from "../context.ts";
import { ApiError, HttpErrorCode } from "../errors.ts";
import { EventDetail } from "../schemas.ts";
import { eventDetail, iso } from "../shapes.ts";
import { errorResponses, IdParams, recordOf } from "./_common.ts";

/** Changes buffered for a slow client before its stream is closed (it resumes from KV). */
export const MAX_BUFFERED_CHANGES = 10_000;

const REPLAY_PAGE = 500;

const AfterQuery = z.object({
  after: z.string().optional().openapi({
    description: "Replay the events after this id first (like the Last-Event-ID header)",
  }),
  token: z.string().optional().openapi({ description: "The token, for EventSource" }),
});

const stream = {
  description: "Server-Sent Events",
  content: { "text/event-stream": { schema: z.string() } },
};

const all = createRoute({
  method: "get",
  path: "/api/events/stream",
  tags: ["Events"],
  summary: "Live feed of all runs' events (SSE)",
  request: { query: AfterQuery },
  responses: { 200: stream, ...errorResponses(400) },
});

const one = createRoute({
  method: "get",
  path: "/api/workflows/{id}/events/stream",
  tags: ["Workflows"],
  summary: "Live feed of one run's events (SSE); ends when the run ends",
  request: { params: IdParams, query: AfterQuery },
  responses: { 200: stream, ...errorResponses(400, 404) },
});

/** A buffer of changes between the feed and a stream. */
class ChangeQueue {
  #items: FeedChange[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  overflowed = false;

  push(change: FeedChange): void {
    if (this.#closed) return;
    if (this.#items.length >= MAX_BUFFERED_CHANGES) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.#items.push(change);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async next(timeoutMs: number): Promise<FeedChange | "timeout" | "closed"> {
    if (this.#items.length === 0 && !this.#closed) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
    if (this.#closed) return "closed";
    return this.#items.shift() ?? "timeout";
  }
}

/**
 * Reads where to resume: the `Last-Event-ID` header, else the `after` query parameter.
 *
 * @param c The request context.
 * @returns The last id the client has, or `undefined` to start live.
 * @throws {ApiError} `INVALID_REQUEST` when it is not a non-negative integer.
 */
export function resumeFrom(c: Context): number | undefined {
  const header = c.req.header("last-event-id");
  const value = header ?? c.req.query("after");
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    const name = header === undefined ? 'query parameter "after"' : 'header "Last-Event-ID"';
    throw new ApiError(
      HttpErrorCode.InvalidRequest,
      `Invalid ${name}: ${JSON.stringify(value)} is not an event id`,
    );
  }
  return Number(value.trim());
}

interface Feed {
  workflowId?: string;
  after: number | undefined;
}

class Sender {
  readonly #s: SSEStreamingApi;
  readonly #reader: LoomReader;
  readonly #names = new Map<string, string>();
  /** Ids sent while replaying, to drop them when the live feed brings them again. */
  readonly #replayed = new Set<number>();
  #replayMax = -1;
  #floor: number;

  constructor(s: SSEStreamingApi, reader: LoomReader, after: number | undefined) {
    this.#s = s;
    this.#reader = reader;
    this.#floor = after ?? -1;
  }

  async #name(id: string): Promise<string> {
    let name = this.#names.get(id);
    if (name === undefined) {
      name = (await this.#reader.run(id))?.name ?? "";
      this.#names.set(id, name);
    }
    return name;
  }

  async events(events: StoredEvent[], status: string, replay: boolean): Promise<number> {
    let sent = 0;
    for (const e of events) {
      if (e.id <= this.#floor) continue;
      if (!replay && e.id <= this.#replayMax && this.#replayed.has(e.id)) continue;
      if (replay) {
        this.#replayed.add(e.id);
        this.#replayMax = Math.max(this.#replayMax, e.id);
      }
      const name = await this.#name(e.workflowId);
      const data = EventDetail.parse(eventDetail(e, { name, status }));
      await this.#s.writeSSE({ id: String(e.id), data: JSON.stringify(data) });
      sent++;
    }
    return sent;
  }

  async run(id: string, name: string, status: string, updatedAt: number): Promise<void> {
    this.#names.set(id, name);
    await this.#s.writeSSE({
      event: "run",
      data: JSON.stringify({ id, name, status, updated_at: iso(updatedAt) }),
    });
  }

  async end(id: string, status: string): Promise<void> {
    await this.#s.writeSSE({ event: "end", data: JSON.stringify({ id, status }) });
  }
}

async function replay(reader: LoomReader, sender: Sender, feed: Feed & { after: number }) {
  const statusOf = async (ids: string[]) => {
    const records = await reader.runs(ids);
    return new Map(ids.map((id, i) => [id, records[i]]));
  };
  if (feed.workflowId !== undefined) {
    const events = (await reader.eventsOf(feed.workflowId)).filter((e) => e.id > feed.after);
    const record = (await statusOf([feed.workflowId])).get(feed.workflowId);
    await sender.events(events, record?.status ?? "RUNNING", true);
    return;
  }
  let cursor = feed.after;
  while (true) {
    const { items: page } = await reader.queryEvents({ afterId: cursor }, { limit: REPLAY_PAGE });
    if (page.length === 0) return;
    const records = await statusOf([...new Set(page.map((e) => e.workflowId))]);
    for (const e of page) {
      await sender.events([e], records.get(e.workflowId)?.status ?? "RUNNING", true);
    }
    for (const [id, r] of records) {
      if (r !== undefined) await sender.run(id, r.name, r.status, r.updatedAt);
    }
    cursor = (page.at(-1) as StoredEvent).id;
    if (page.length < REPLAY_PAGE) return;
  }
}

function live(c: Context, { backend, options }: RouteDeps, feed: Feed): Response {
  const reader = backend.reader;
  return streamSSE(c, async (s) => {
    const queue = new ChangeQueue();
    const stop = () => queue.close();
    s.onAbort(stop);
    options.signal?.addEventListener("abort", stop, { once: true });
    const unsubscribe = await backend.feed.subscribe((change) => {
      if (feed.workflowId === undefined || change.workflowId === feed.workflowId) {
        queue.push(change);
      }
    });
    try {
      if (options.signal?.aborted) return;
      await s.write("retry: 2000\n: connected\n\n");
      const sender = new Sender(s, reader, feed.after);
      // Read the run's status before replaying: if it had ended, the replay holds its end.
      const ended = feed.workflowId === undefined ? undefined : await reader.run(feed.workflowId);
      if (feed.after !== undefined) await replay(reader, sender, { ...feed, after: feed.after });
      if (ended !== undefined && ended.status !== "RUNNING") {
        await sender.run(ended.id, ended.name, ended.status, ended.updatedAt);
        await sender.end(ended.id, ended.status);
        return;
      }
      while (true) {
        const next = await queue.next(options.heartbeatMs);
        if (next === "closed") break;
        if (next === "timeout") {
          await s.write(": heartbeat\n\n");
          continue;
        }
        await sender.events(next.events, next.status, false);
        await sender.run(next.workflowId, next.name, next.status, next.updatedAt);
        if (feed.workflowId !== undefined && next.status !== "RUNNING") {
          await sender.end(next.workflowId, next.status);
          break;
        }
      }
      if (queue.overflowed) {
        await s.writeSSE({
          event: "overflow",
          data: JSON.stringify({ message: "The client read too slowly: reconnect to resume" }),
        });
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener("abort", stop);
    }
  }, async () => {
    // streamSSE then sends `event: error` with the message, and closes.
  });
}

function allRoute(app: RoutesApp, deps: RouteDeps): void {
  app.openapi(all, (c) => live(c, deps, { after: resumeFrom(c) }) as never);
}

function oneRoute(app: RoutesApp, deps: RouteDeps): void {
  app.openapi(one, async (c) => {
    const { id } = c.req.valid("param");
    const after = resumeFrom(c);
    await recordOf(deps.backend.reader, id);
    return live(c, deps, { workflowId: id, after }) as never;
  });
}

/**
 * Registers the live feed routes (before `/api/events/{event_id}`).
 *
 * @param app The app.
 * @param deps Backend and options.
 */
export function streamRoutes(app: RoutesApp, deps: RouteDeps): void {
  allRoute(app, deps);
  oneRoute(app, deps);
}
