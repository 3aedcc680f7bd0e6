/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/tasks`: the queue. Running activities and pending tasks (timers and retries with the time
 * they fall due), with their ages, then every kept task with status and kind filters.
 *
 * @module
 */

import { query } from "../api.ts";
import { fmtAge, fmtDuration, taskTarget } from "../format.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLiveData, useNow } from "../runtime.ts";
import type { Paged, Task } from "../types.ts";
import { Badge, Card, Empty, Pager, Section, Time } from "../ui.tsx";

/** The data of the tasks page. */
export interface TasksData {
  /** When it was read. */
  now: number;
  /** Running tasks, oldest first. */
  running: Task[];
  /** Pending tasks, soonest due first. */
  pending: Paged<Task>;
  /** The filtered list. */
  list: Paged<Task>;
  /** Filters. */
  status: string;
  /** Kind filter. */
  kind: string;
}

function QueueTable(props: { tasks: Task[]; now: number; due?: boolean; id: string }) {
  if (props.tasks.length === 0) return <Empty>None.</Empty>;
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Kind</th>
            <th scope="col">Target</th>
            <th scope="col">Run</th>
            <th scope="col" class="num">Attempts</th>
            <th scope="col">{props.due ? "Due" : "Running for"}</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {props.tasks.map((t) => (
            <tr>
              <td class="mono">{t.id}</td>
              <td>
                <Badge value={t.kind} kind="kind" />
              </td>
              <td>
                {taskTarget(t.target)}
                {t.last_error === null ? null : <div class="row-error">{t.last_error}</div>}
              </td>
              <td class="mono">
                <a href={`/workflows/${encodeURIComponent(t.workflow_id)}`}>{t.workflow_id}</a>
              </td>
              <td class="num">{t.attempts}/{t.max_attempts}</td>
              <td>
                {props.due
                  ? (Date.parse(t.run_at) <= props.now
                    ? <span class="overdue">due {fmtAge(t.run_at, props.now)}</span>
                    : fmtAge(t.run_at, props.now))
                  : fmtDuration(props.now - Date.parse(t.updated_at))}
              </td>
              <td>{fmtDuration(props.now - Date.parse(t.created_at))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The tasks page. */
export const tasks = definePage<TasksData>({
  id: "tasks",
  title: () => "Tasks",
  async load(api, { url }) {
    const status = url.searchParams.get("status") ?? "";
    const kind = url.searchParams.get("kind") ?? "";
    const page = url.searchParams.get("page") ?? "";
    const [running, pending, list] = await Promise.all([
      api.get<Paged<Task>>(
        "/api/tasks?status=RUNNING&sort_by=updated_at&sort_order=asc&per_page=50",
      ),
      api.get<Paged<Task>>("/api/tasks?status=PENDING&sort_by=run_at&sort_order=asc&per_page=50"),
      api.get<Paged<Task>>(
        `/api/tasks${query({ status, kind, page, per_page: 50, sort_by: "recent" })}`,
      ),
    ]);
    return { now: Date.now(), running: running.data, pending, list, status, kind };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = useLiveData(props.data, reloader(tasks, props), () => true, 1000);
    const now = useNow(d.now);
    return (
      <Layout path="/tasks" title="Tasks">
        <div class="cards">
          <Card
            label="Running"
            value={d.running.length}
            tone="running"
            note="steps and activity attempts"
          />
          <Card
            label="Pending"
            value={d.pending.meta.total ?? d.pending.data.length}
            note="timers, retries, steps"
          />
          <Card
            label="Due now"
            value={d.pending.data.filter((t) => Date.parse(t.run_at) <= now).length}
            tone="failed"
            note="pending and past due"
          />
        </div>
        <Section title="Running" id="running-tasks">
          <QueueTable tasks={d.running} now={now} id="running-table" />
        </Section>
        <Section title="Pending, soonest first" id="pending-tasks">
          <QueueTable tasks={d.pending.data} now={now} due id="pending-table" />
        </Section>
        <Section title="All kept tasks" id="all-tasks">
          <form class="filters inline" method="get" action="/tasks">
            <label>
              Status
              <select name="status">
                <option value="">Any</option>
                {["PENDING", "RUNNING", "COMPLETED", "FAILED"].map((s) => (
                  <option value={s} selected={s === d.status}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Kind
              <select name="kind">
                <option value="">Any</option>
                {["STEP", "ACTIVITY", "TIMER"].map((s) => (
                  <option value={s} selected={s === d.kind}>{s}</option>
                ))}
              </select>
            </label>
            <button type="submit">Apply</button>
          </form>
          {d.list.data.length === 0 ? <Empty>No tasks.</Empty> : (
            <div class="table-wrap">
              <table id="task-table">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Target</th>
                    <th scope="col">Run</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Attempts</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {d.list.data.map((t) => (
                    <tr>
                      <td class="mono">{t.id}</td>
                      <td>
                        <Badge value={t.kind} kind="kind" />
                      </td>
                      <td>{taskTarget(t.target)}</td>
                      <td class="mono">
                        <a href={`/workflows/${encodeURIComponent(t.workflow_id)}`}>
                          {t.workflow_name}
                        </a>
                      </td>
                      <td>
                        <Badge value={t.status} kind="task" />
                      </td>
                      <td class="num">{t.attempts}/{t.max_attempts}</td>
                      <td>
                        <Time iso={t.created_at} now={now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager
            url={props.url}
            page={d.list.meta.page ?? 1}
            pages={d.list.meta.pages ?? 1}
            total={d.list.meta.total}
          />
        </Section>
      </Layout>
    );
  },
});
