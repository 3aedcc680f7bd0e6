/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/workflows/:id`: a run's header (status, version, times, duration) with its actions, and its
 * tabs: timeline, graph (with the run's status on each node), input, state, streams (its run
 * streams' values and its hooks), logs, tasks. Live over the run's own feed until it ends.
 *
 * @module
 */

import { useState } from "../../_deps.ts";
import { ApiFailure } from "../api.ts";
import { between, fmtDuration, taskTarget } from "../format.ts";
import { type GraphLayout, layoutGraph } from "../graph_layout.ts";
import { overlays } from "../graph_status.ts";
import { GraphView } from "../graph_view.tsx";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { RunActions } from "../run_actions.tsx";
import { streamsOf, StreamsPanel } from "../run_streams.tsx";
import { useLiveData, useNow } from "../runtime.ts";
import { Timeline } from "../timeline.tsx";
import {
  EVENT_TYPES,
  type LogEntry,
  type Paged,
  type RunDetail,
  type RunEvent,
  type Task,
  type WorkflowGraph,
} from "../types.ts";
import { Badge, Empty, ErrorNote, JsonBlock, Time } from "../ui.tsx";

/** Events read for the timeline at most. */
export const TIMELINE_LIMIT = 1000;

/** The data of a run's page. */
export interface RunData {
  /** When it was read. */
  now: number;
  /** The run, or `null` when there is no such run. */
  run: RunDetail | null;
  /** Why the run could not be read. */
  error: string;
  /** Its events (the first {@linkcode TIMELINE_LIMIT}). */
  events: RunEvent[];
  /** Events in all. */
  eventsTotal: number;
  /** Its graph and layout, or why there is none (read for the graph tab only). */
  graph: { graph: WorkflowGraph; layout: GraphLayout } | { error: string } | null;
  /** Its log entries (read for the logs tab only). */
  logs: LogEntry[] | null;
  /** Its tasks (read for the tasks tab only). */
  tasks: Task[] | null;
}

/** Tabs, in order. */
export const TABS = ["timeline", "graph", "input", "state", "streams", "logs", "tasks"] as const;
type Tab = typeof TABS[number];

function tabOf(url: URL): Tab {
  const t = url.searchParams.get("tab") ?? "";
  return (TABS as readonly string[]).includes(t) ? t as Tab : "timeline";
}

function waitingSignals(events: RunEvent[]): string[] {
  const waiting = new Map<string, number>();
  for (const e of events) {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === "SIGNAL_WAITING") {
      waiting.set(String(p.name), (waiting.get(String(p.name)) ?? 0) + 1);
    }
    if (e.type === "SIGNAL_RECEIVED") {
      const n = (waiting.get(String(p.name)) ?? 0) - 1;
      if (n <= 0) waiting.delete(String(p.name));
      else waiting.set(String(p.name), n);
    }
  }
  return [...waiting.keys()];
}

/** A run's page. */
export const run = definePage<RunData>({
  id: "run",
  title: (d, params) => d.run === null ? `Run ${params.id ?? ""}` : `${d.run.name} · ${d.run.id}`,
  async load(api, { url, params }) {
    const id = encodeURIComponent(params.id ?? "");
    const now = Date.now();
    let detail: RunDetail;
    try {
      detail = await api.get<RunDetail>(`/api/workflows/${id}`);
    } catch (e) {
      const missing = e instanceof ApiFailure && e.status === 404;
      return {
        now,
        run: null,
        error: missing ? `No run has the id "${params.id}"` : (e as Error).message,
        events: [],
        eventsTotal: 0,
        graph: null,
        logs: null,
        tasks: null,
      };
    }
    // Each tab is its own page (a link), so a render reads only what its tab shows.
    const tab = tabOf(url);
    const none = Promise.resolve(null);
    const [events, graph, logs, tasks] = await Promise.all([
      api.get<Paged<RunEvent>>(
        `/api/workflows/${id}/events?per_page=${TIMELINE_LIMIT}&sort_order=asc`,
      ),
      tab !== "graph" ? none : api.get<WorkflowGraph>(`/api/graphs/workflow/${id}/definition`).then(
        (g) => ({ graph: g, layout: layoutGraph(g) }),
        (e: Error) => ({ error: e.message }),
      ),
      tab !== "logs"
        ? none
        : api.get<Paged<LogEntry>>(`/api/workflows/${id}/logs?per_page=500&sort_order=asc`),
      tab !== "tasks" ? none : api.get<Paged<Task>>(
        `/api/tasks?workflow_id=${id}&per_page=200&sort_by=id&sort_order=asc`,
      ),
    ]);
    return {
      now,
      run: detail,
      error: "",
      events: events.data,
      eventsTotal: events.meta.total ?? events.data.length,
      graph,
      logs: logs?.data ?? null,
      tasks: tasks?.data ?? null,
    };
  },
  feed: (d, params) => ({ kind: "run", id: params.id ?? "", after: d.events.at(-1)?.id ?? 0 }),
  Page(props) {
    const d = useLiveData(props.data, reloader(run, props), () => true, 300);
    const url = new URL(props.url, "http://localhost");
    const now = useNow(d.now);
    const tab = tabOf(url);
    const [etype, setEtype] = useState(url.searchParams.get("etype") ?? "");
    const [eq, setEq] = useState(url.searchParams.get("eq") ?? "");
    const r = d.run;
    if (r === null) {
      return (
        <Layout path="/workflows" title="Run not found">
          <ErrorNote>{d.error}</ErrorNote>
          <p>
            <a href="/workflows">All runs</a>
          </p>
        </Layout>
      );
    }
    const running = r.status === "RUNNING";
    const tabHref = (t: Tab) => {
      const u = new URL(props.url, "http://localhost");
      u.searchParams.set("tab", t);
      return `${u.pathname}${u.search}`;
    };
    const counts: Record<Tab, string> = {
      timeline: String(d.eventsTotal),
      graph: d.graph !== null && "graph" in d.graph ? String(d.graph.graph.nodes.length) : "",
      input: "",
      state: String(Object.keys(r.current_state).length),
      streams: String([...streamsOf(d.events).values()].reduce((n, v) => n + v.length, 0)),
      logs: d.logs === null ? "" : String(d.logs.length),
      tasks: d.tasks === null ? "" : String(d.tasks.length),
    };
    return (
      <Layout
        path="/workflows"
        title={
          <>
            <span class="mono">{r.id}</span> <Badge value={r.status} />
          </>
        }
      >
        <dl class="facts" id="run-facts">
          <div>
            <dt>Workflow</dt>
            <dd>
              <a href={`/definitions/${encodeURIComponent(r.name)}`}>{r.name}</a> v{r.version}
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              <Time iso={r.created_at} now={now} />
            </dd>
          </div>
          <div>
            <dt>Ended</dt>
            <dd>
              <Time iso={r.completed_at} now={now} />
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd id="run-duration">
              {fmtDuration(between(r.created_at, r.completed_at, now))}
              {running ? " so far" : ""}
            </dd>
          </div>
          <div>
            <dt>Events</dt>
            <dd>{r.event_count}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>
              <Time iso={r.updated_at} now={now} />
            </dd>
          </div>
        </dl>
        {r.error === null ? null : (
          <div class="error-box" id="run-error">
            <strong>{r.error.name}{r.error.code === undefined ? "" : ` (${r.error.code})`}:</strong>
            {" "}
            {r.error.message}
            {r.error.cause === undefined
              ? null
              : <div class="muted">caused by {r.error.cause.name}: {r.error.cause.message}</div>}
          </div>
        )}
        <RunActions run={r} waiting={running ? waitingSignals(d.events) : []} />
        <nav class="tabs" role="tablist" aria-label="Run views">
          {TABS.map((t) => (
            <a
              role="tab"
              href={tabHref(t)}
              aria-selected={tab === t}
              aria-controls={`panel-${t}`}
              id={`tab-${t}`}
            >
              {t[0]?.toUpperCase()}
              {t.slice(1)}
              {counts[t] === "" ? null : <span class="count">{counts[t]}</span>}
            </a>
          ))}
        </nav>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tab-panel">
          {tab === "timeline"
            ? (
              <>
                <form class="filters inline" method="get" onSubmit={(e) => e.preventDefault()}>
                  <input type="hidden" name="tab" value="timeline" />
                  <label>
                    Type
                    <select
                      name="etype"
                      value={etype}
                      onChange={(e) => setEtype((e.currentTarget as HTMLSelectElement).value)}
                      id="timeline-type"
                    >
                      <option value="">Any</option>
                      {EVENT_TYPES.map((t) => (
                        <option value={t} selected={etype === t}>{t}</option>
                      ))}
                    </select>
                  </label>
                  <label class="grow">
                    Search
                    <input
                      type="search"
                      name="eq"
                      value={eq}
                      onInput={(e) => setEq((e.currentTarget as HTMLInputElement).value)}
                      id="timeline-search"
                    />
                  </label>
                  <noscript>
                    <button type="submit">Filter</button>
                  </noscript>
                </form>
                {d.eventsTotal > d.events.length
                  ? (
                    <p class="muted">
                      Showing the first {d.events.length} of {d.eventsTotal} events (the rest:{" "}
                      <a href={`/events?workflow_id=${encodeURIComponent(r.id)}`}>
                        events of this run
                      </a>).
                    </p>
                  )
                  : null}
                <Timeline events={d.events} type={etype} q={eq} now={now} running={running} />
              </>
            )
            : null}
          {tab === "graph"
            ? d.graph === null
              ? null
              : "error" in d.graph
              ? <ErrorNote>No graph: {d.graph.error}</ErrorNote>
              : (
                <GraphView
                  layout={d.graph.layout}
                  overlays={overlays(d.graph.graph, r.status)}
                  title={`Graph of ${r.name} with the status of run ${r.id}`}
                  id="run-graph"
                />
              )
            : null}
          {tab === "input" ? <JsonBlock value={r.input} id="run-input" /> : null}
          {tab === "state" ? <JsonBlock value={r.current_state} id="run-state" /> : null}
          {tab === "streams"
            ? (
              <StreamsPanel
                events={d.events}
                truncated={d.eventsTotal > d.events.length}
                now={now}
              />
            )
            : null}
          {tab === "logs" ? <LogTable logs={d.logs ?? []} now={now} /> : null}
          {tab === "tasks" ? <TaskList tasks={d.tasks ?? []} now={now} /> : null}
        </div>
      </Layout>
    );
  },
});

function LogTable(props: { logs: LogEntry[]; now: number }) {
  if (props.logs.length === 0) return <Empty>No log entries.</Empty>;
  return (
    <div class="table-wrap">
      <table id="run-logs">
        <thead>
          <tr>
            <th scope="col">Level</th>
            <th scope="col">Time</th>
            <th scope="col">Step</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {props.logs.map((l) => (
            <tr>
              <td>
                <Badge value={l.level} kind="level" />
              </td>
              <td>
                <Time iso={l.created_at} now={props.now} age={false} />
              </td>
              <td>{l.step ?? "-"}</td>
              <td class="message">{l.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TaskList(props: { tasks: Task[]; now: number }) {
  if (props.tasks.length === 0) {
    return <Empty>No tasks kept for this run (finished tasks are pruned).</Empty>;
  }
  return (
    <div class="table-wrap">
      <table id="run-tasks">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Kind</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">Attempts</th>
            <th scope="col">Runs at</th>
          </tr>
        </thead>
        <tbody>
          {props.tasks.map((t) => (
            <tr>
              <td class="mono">{t.id}</td>
              <td>
                <Badge value={t.kind} kind="kind" />
              </td>
              <td>{taskTarget(t.target)}</td>
              <td>
                <Badge value={t.status} kind="task" />
              </td>
              <td class="num">{t.attempts}/{t.max_attempts}</td>
              <td>
                <Time iso={t.run_at} now={props.now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
