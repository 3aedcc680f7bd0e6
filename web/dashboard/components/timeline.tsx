/** @jsxImportSource npm:preact@11.2.0 */
/**
 * A run's history as a timeline: events grouped by step (with each step's duration), each event
 * summarised on one line with its payload behind a disclosure; filtered by type and text.
 *
 * @module
 */

import { fmtDuration, short } from "./format.ts";
import type { RunEvent } from "./types.ts";
import { Badge, Empty } from "./ui.tsx";

/** Events of one step (or, with `step: null`, of the run outside any step). */
export interface EventGroup {
  /** Step name, or `null`. */
  step: string | null;
  /** The events. */
  events: RunEvent[];
  /** Time of the first event (ms). */
  startMs: number;
  /** Time the step ended (ms), or `null` while it runs. */
  endMs: number | null;
  /** `done`, `running`, `failed` or `run` (outside a step). */
  state: "done" | "running" | "failed" | "cancelled" | "run";
}

/**
 * Groups events by step.
 *
 * @param events A run's events, in order.
 * @returns The groups, in order.
 */
export function groupBySteps(events: RunEvent[]): EventGroup[] {
  const groups: EventGroup[] = [];
  let open: EventGroup | null = null;
  for (const e of events) {
    const t = Date.parse(e.created_at);
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === "STEP_START") {
      open = { step: String(p.step_name), events: [e], startMs: t, endMs: null, state: "running" };
      groups.push(open);
      continue;
    }
    if (open !== null) {
      open.events.push(e);
      if (e.type === "STEP_END") {
        open.endMs = t;
        open.state = "done";
        open = null;
      } else if (e.type === "WORKFLOW_FAILED" || e.type === "WORKFLOW_CANCELLED") {
        open.endMs = t;
        open.state = e.type === "WORKFLOW_FAILED" ? "failed" : "cancelled";
        open = null;
      }
      continue;
    }
    const last = groups.at(-1);
    if (last !== undefined && last.step === null) {
      last.events.push(e);
      last.endMs = t;
    } else groups.push({ step: null, events: [e], startMs: t, endMs: t, state: "run" });
  }
  return groups;
}

/**
 * One line about an event.
 *
 * @param e The event.
 * @returns The text.
 */
export function summarize(e: RunEvent): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case "WORKFLOW_STARTED":
      return `${String(p.workflow_name ?? "")} v${String(p.version ?? "")}, input ${
        short(p.input, 60)
      }`;
    case "STEP_START":
    case "STEP_END":
      return String(p.step_name ?? "");
    case "STATE_SET":
      return `${String(p.key)} = ${short(p.value, 60)}`;
    case "STATE_UPDATE":
      return short(p.state, 70);
    case "ACTIVITY_SCHEDULED":
      return `${String(p.name)}(${short(p.args, 50).replace(/^\[|\]$/g, "")})`;
    case "ACTIVITY_COMPLETED":
      return `${String(p.name)} → ${short(p.result, 50)}${
        Number(p.attempt) > 1 ? ` (attempt ${p.attempt})` : ""
      }`;
    case "ACTIVITY_FAILED":
      return `${String(p.name)}: ${String(p.error)} after ${String(p.attempts)} attempt(s)`;
    case "ACTIVITY_RETRYING":
      return `${String(p.name)} attempt ${String(p.attempt)} failed: ${String(p.error)}`;
    case "ACTIVITY_CANCELLED":
      return `${String(p.name)}: ${String(p.reason)}`;
    case "TIMER_SCHEDULED":
      return `${
        p.purpose === "sleep" ? "sleep" : `timeout of signal "${String(p.signal ?? "")}"`
      } until ${String(p.fire_at).slice(11, 19)}`;
    case "TIMER_FIRED":
      return `timer ${String(p.timer_id ?? p.seq)} fired`;
    case "TIMER_CANCELLED":
      return `timer ${String(p.timer_id ?? p.seq)} no longer needed`;
    case "SIGNAL_WAITING":
      return `waiting for "${String(p.name)}"${
        p.timeout_ms === undefined ? "" : ` (timeout ${fmtDuration(Number(p.timeout_ms))})`
      }`;
    case "SIGNAL_RECEIVED":
      return `"${String(p.name)}" ${short(p.payload, 60)}`;
    case "CANCEL_REQUESTED":
    case "WORKFLOW_CANCELLED":
      return String(p.reason ?? "");
    case "WORKFLOW_COMPLETED":
      return "completed";
    case "WORKFLOW_FAILED":
      return `${String(p.error)}${p.step === undefined ? "" : ` (in step ${String(p.step)})`}`;
    default:
      return short(p, 70);
  }
}

/**
 * Tells whether an event passes the type and text filters.
 *
 * @param e The event.
 * @param type A type, or `""`.
 * @param q Text, or `""`.
 * @returns `true` when it passes.
 */
export function eventMatches(e: RunEvent, type: string, q: string): boolean {
  if (type !== "" && e.type !== type) return false;
  if (q === "") return true;
  const needle = q.toLowerCase();
  return e.type.toLowerCase().includes(needle) ||
    JSON.stringify(e.payload).toLowerCase().includes(needle);
}

/**
 * The timeline.
 *
 * @param props Events, filters, the run's start and the page's `now`, and whether it runs.
 * @returns The timeline.
 */
export function Timeline(
  props: { events: RunEvent[]; type: string; q: string; now: number; running: boolean },
) {
  const groups = groupBySteps(props.events);
  const start = props.events[0] === undefined ? 0 : Date.parse(props.events[0].created_at);
  const shown = groups.map((g) => ({
    g,
    events: g.events.filter((e) => eventMatches(e, props.type, props.q)),
  }))
    .filter((x) => x.events.length > 0);
  if (shown.length === 0) return <Empty>No event matches.</Empty>;
  return (
    <ol class="timeline" id="timeline">
      {shown.map(({ g, events }) => {
        const end = g.endMs ?? (props.running ? props.now : null);
        return (
          <li
            key={`${g.startMs}-${g.step ?? ""}-${g.events[0]?.id ?? 0}`}
            class={`group group-${g.state}`}
            data-step={g.step ?? ""}
          >
            <div class="group-head">
              <span class="group-name">{g.step === null ? "run" : g.step}</span>
              {g.step === null ? null : <Badge value={g.state} kind="step" />}
              <span class="muted">
                +{fmtDuration(g.startMs - start)}
                {g.step === null || end === null
                  ? ""
                  : ` · took ${fmtDuration(end - g.startMs)}${g.endMs === null ? " so far" : ""}`}
              </span>
            </div>
            <ul class="events">
              {events.map((e) => (
                <li key={e.id} class="event" data-type={e.type} data-event-id={e.id}>
                  <details>
                    <summary>
                      <span class="event-id mono">#{e.id}</span>
                      <Badge value={e.type} kind="event" />
                      <span class="event-text">{summarize(e)}</span>
                      <span class="event-time muted">
                        +{fmtDuration(Date.parse(e.created_at) - start)}
                      </span>
                    </summary>
                    <pre class="json">{JSON.stringify(e.payload, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
