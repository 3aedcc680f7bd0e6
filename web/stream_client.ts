/**
 * A run's stream over HTTP, for `connect()`'s handles: the SSE route
 * (`GET /api/workflows/{id}/streams/{name}`) read as values, reconnected with `Last-Event-ID`
 * when the connection drops (a server restart, a proxy's timeout), so that every value arrives
 * once, until `event: end`.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";
import { readSse } from "./sse_reader.ts";

/** Options of {@linkcode followSse}. */
export interface FollowSseOptions {
  /** Start after this index. */
  after?: number | undefined;
  /** Stops reading. */
  signal?: AbortSignal | undefined;
  /** Connections that fail in a row before the iteration throws. @default 20 */
  attempts?: number;
  /** Wait before reconnecting, in ms (doubled up to 5 s). @default 100 */
  retryMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads a run's stream from its SSE route, reconnecting where it stopped.
 *
 * @param open Opens the route, resuming after `lastId` (sent as `Last-Event-ID`).
 * @param options Where to start, what stops it, how to retry.
 * @returns The values, in order, until the run has ended.
 * @throws {HttpError} When the server answers an error (a 4xx at once; connection failures
 * after `attempts` in a row).
 */
export async function* followSse(
  open: (lastId: number | undefined, signal: AbortSignal | undefined) => Promise<Response>,
  options: FollowSseOptions = {},
): AsyncGenerator<unknown> {
  let last = options.after;
  let failures = 0;
  const attempts = options.attempts ?? 20;
  let wait = options.retryMs ?? 100;
  const signal = options.signal;
  const aborted = (): boolean => signal?.aborted === true;
  while (!aborted()) {
    let res: Response;
    try {
      res = await open(last, signal);
    } catch (e) {
      if (!(e instanceof HttpError) || (e.status !== 0 && e.status < 500)) throw e;
      if (++failures >= attempts) throw e;
      await sleep(wait);
      wait = Math.min(wait * 2, 5000);
      continue;
    }
    if (res.body === null) return;
    try {
      for await (const m of readSse(res.body, signal)) {
        if (m.event === "end") return;
        if (m.event === "error") throw new HttpError(500, "STREAM_FAILED", m.data);
        if (m.event !== "message" || m.id === undefined) continue;
        last = Number(m.id);
        failures = 0;
        wait = options.retryMs ?? 100;
        yield JSON.parse(m.data);
      }
    } catch (e) {
      if (e instanceof HttpError || aborted()) throw e;
      // The connection dropped mid-stream: reconnect after the last value read.
    }
    if (aborted()) return;
    if (++failures >= attempts) {
      throw new HttpError(0, "CONNECTION_FAILED", "The stream's connection kept dropping");
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 5000);
  }
}
