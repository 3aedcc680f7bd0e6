/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The run page's streams tab: the values the run wrote to each of its streams, and its hooks
 * (open, called, timed out or closed, with the body they were called with). Both are read from
 * the run's events, so the tab is live with the page's feed; hook tokens never reach it (the
 * API shows them redacted).
 *
 * @module
 */

import type { RunEvent } from "./types.ts";
import { Badge, Empty, Time } from "./ui.tsx";

/** One value of a stream. */
export interface StreamEntry {
  /** Its index in the stream. */
  index: number;
  /** The value. */
  value: unknown;
  /** When it was written (ISO). */
  at: string;
}

/** A hook of the run, as its events tell. */
export interface HookEntry {
  /** Seq of its `ctx.createHook()` call. */
  seq: number;
  /** `REQUESTED`, `OPEN`, `CALLED`, `TIMED_OUT` or `CLOSED`. */
  status: string;
  /** When it was created (ISO). */
  createdAt?: string;
  /** When its timeout passes (ISO). */
  expiresAt?: string;
  /** When it was called (ISO). */
  calledAt?: string;
  /** The body it was called with. */
  body?: unknown;
}

type Payload = Record<string, unknown>;

/**
 * The values of each stream, in the order the streams were first written.
 *
 * @param events A run's events.
 * @returns Stream name → values.
 */
export function streamsOf(events: RunEvent[]): Map<string, StreamEntry[]> {
  const out = new Map<string, StreamEntry[]>();
  for (const e of events) {
    if (e.type !== "STREAM_APPENDED") continue;
    const p = (e.payload ?? {}) as Payload;
    const name = String(p.name);
    const list = out.get(name) ?? [];
    list.push({ index: Number(p.index), value: p.value, at: e.created_at });
    out.set(name, list);
  }
  return out;
}

/**
 * The run's hooks, by seq.
 *
 * @param events A run's events.
 * @returns The hooks, in the order they were asked for.
 */
export function hooksOf(events: RunEvent[]): HookEntry[] {
  const hooks = new Map<number, HookEntry>();
  const timers = new Set<number>();
  for (const e of events) {
    const p = (e.payload ?? {}) as Payload;
    const seq = Number(p.seq);
    const hook = hooks.get(seq);
    if (e.type === "HOOK_REQUESTED") hooks.set(seq, { seq, status: "REQUESTED" });
    else if (hook === undefined) continue;
    else if (e.type === "HOOK_CREATED") {
      Object.assign(hook, { status: "OPEN", createdAt: String(p.created_at) });
      if (typeof p.expires_at === "string") hook.expiresAt = p.expires_at;
    } else if (e.type === "TIMER_SCHEDULED" && p.purpose === "hook_timeout") timers.add(seq);
    else if (e.type === "TIMER_FIRED" && timers.has(seq) && hook.status === "OPEN") {
      hook.status = "TIMED_OUT";
    } else if (e.type === "HOOK_RECEIVED") {
      Object.assign(hook, { status: "CALLED", calledAt: String(p.received_at), body: p.payload });
    } else if (e.type === "HOOK_CLOSED") hook.status = "CLOSED";
  }
  return [...hooks.values()];
}

/**
 * The streams tab.
 *
 * @param props The run's events, whether they are all there, and the clock.
 * @returns The panel.
 */
export function StreamsPanel(props: { events: RunEvent[]; truncated: boolean; now: number }) {
  const streams = streamsOf(props.events);
  const hooks = hooksOf(props.events);
  return (
    <div id="run-streams">
      {props.truncated
        ? <p class="muted">From the run's first {props.events.length} events only.</p>
        : null}
      {streams.size === 0 && hooks.length === 0
        ? <Empty>This run has written to no stream and made no hook.</Empty>
        : null}
      {[...streams].map(([name, values]) => (
        <section class="stream" data-stream={name}>
          <h3>
            <span class="mono">{name}</span> <span class="count">{values.length}</span>
          </h3>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col" class="num">#</th>
                  <th scope="col">Written</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {values.map((v) => (
                  <tr>
                    <td class="num mono">{v.index}</td>
                    <td>
                      <Time iso={v.at} now={props.now} age={false} />
                    </td>
                    <td class="mono message">{JSON.stringify(v.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {hooks.length === 0 ? null : (
        <section class="hooks">
          <h3>
            Hooks <span class="count">{hooks.length}</span>
          </h3>
          <div class="table-wrap">
            <table id="run-hooks">
              <thead>
                <tr>
                  <th scope="col" class="num">Call</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Called</th>
                  <th scope="col">Body</th>
                </tr>
              </thead>
              <tbody>
                {hooks.map((h) => (
                  <tr>
                    <td class="num mono">{h.seq}</td>
                    <td>
                      <Badge value={h.status} kind="hook" />
                    </td>
                    <td>
                      <Time iso={h.createdAt} now={props.now} age={false} />
                    </td>
                    <td>
                      <Time iso={h.expiresAt} now={props.now} />
                    </td>
                    <td>
                      <Time iso={h.calledAt} now={props.now} age={false} />
                    </td>
                    <td class="mono message">
                      {h.status === "CALLED" ? JSON.stringify(h.body) : "-"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
