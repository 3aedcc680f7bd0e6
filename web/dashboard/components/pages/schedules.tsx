/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/schedules`: every schedule with its expression, next and last fire, counts and state, and
 * buttons to pause, resume or trigger it.
 *
 * @module
 */

import { useEffect, useState } from "../../_deps.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLive, useNow } from "../runtime.ts";
import { ScheduleActions, type ScheduleOutcome } from "../schedule_actions.tsx";
import type { Schedule } from "../types.ts";
import { Badge, Card, Empty, Time } from "../ui.tsx";

/** The data of the schedules page. */
export interface SchedulesData {
  /** When it was read. */
  now: number;
  /** The schedules, by id. */
  schedules: Schedule[];
}

function Row(props: { s: Schedule; now: number; onDone: (o: ScheduleOutcome) => void }) {
  const s = props.s;
  return (
    <tr data-schedule={s.id}>
      <td>
        <strong>{s.id}</strong>
        {s.last_error === null ? null : <div class="row-error">{s.last_error}</div>}
      </td>
      <td>
        <a href={`/definitions/${encodeURIComponent(s.workflow)}`}>{s.workflow}</a>
      </td>
      <td class="mono">
        {s.cron}
        {s.timezone === "UTC" ? null : <div class="muted">{s.timezone}</div>}
      </td>
      <td class="next-fire">
        {s.paused
          ? <span class="muted">paused</span>
          : <Time iso={s.next_fire_at} now={props.now} />}
      </td>
      <td class="last-fire">
        <Time iso={s.last_fire_at} now={props.now} />
        {s.last_run_id === null ? null : (
          <div class="mono">
            <a href={`/workflows/${encodeURIComponent(s.last_run_id)}`}>{s.last_run_id}</a>
          </div>
        )}
      </td>
      <td class="num">{s.fires}</td>
      <td class="num">{s.skipped}</td>
      <td>
        <Badge value={s.paused ? "PAUSED" : "ACTIVE"} kind="schedule" />
        <div class="muted">{s.overlap}, catch-up {s.catchup}</div>
      </td>
      <td>
        <ScheduleActions schedule={s} onDone={props.onDone} />
      </td>
    </tr>
  );
}

/** The schedules page. */
export const schedules = definePage<SchedulesData>({
  id: "schedules",
  title: () => "Schedules",
  async load(api) {
    const d = await api.get<{ data: Schedule[] }>("/api/schedules");
    return { now: Date.now(), schedules: d.data };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const { data: live, refresh } = useLive(
      props.data,
      reloader(schedules, props),
      () => true,
      1000,
    );
    const [rows, setRows] = useState(live.schedules);
    const [message, setMessage] = useState<{ text: string; run?: string; error?: boolean }>();
    useEffect(() => setRows(live.schedules), [live]);
    const now = useNow(live.now);
    const done = (o: ScheduleOutcome) => {
      if (o.error !== undefined) setMessage({ text: o.error, error: true });
      else if (o.schedule !== undefined) {
        const changed = o.schedule;
        setRows((all) => all.map((s) => s.id === changed.id ? changed : s));
        setMessage({ text: `Schedule "${changed.id}" ${changed.paused ? "paused" : "resumed"}` });
        // The feed does not announce a pause: read again, and drop a read from before it.
        refresh();
      } else if (o.started !== undefined) setMessage({ text: "Started ", run: o.started });
    };
    const paused = rows.filter((s) => s.paused).length;
    return (
      <Layout path="/schedules" title="Schedules">
        <div class="cards">
          <Card label="Schedules" value={rows.length} />
          <Card label="Active" value={rows.length - paused} tone="running" />
          <Card label="Paused" value={paused} />
        </div>
        {message === undefined ? null : (
          <p
            class={message.error ? "error-text" : "ok-text"}
            role={message.error ? "alert" : "status"}
            id="schedule-message"
          >
            {message.text}
            {message.run === undefined
              ? null
              : (
                <a class="mono" href={`/workflows/${encodeURIComponent(message.run)}`}>
                  {message.run}
                </a>
              )}
          </p>
        )}
        {rows.length === 0
          ? (
            <Empty>
              No schedules. Create one with engine.schedules.create(), POST /api/schedules or loom
              schedule create.
            </Empty>
          )
          : (
            <div class="table-wrap">
              <table id="schedules">
                <thead>
                  <tr>
                    <th scope="col">Schedule</th>
                    <th scope="col">Workflow</th>
                    <th scope="col">Cron</th>
                    <th scope="col">Next fire</th>
                    <th scope="col">Last fire</th>
                    <th scope="col" class="num">Fires</th>
                    <th scope="col" class="num">Skipped</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => <Row key={s.id} s={s} now={now} onDone={done} />)}
                </tbody>
              </table>
            </div>
          )}
      </Layout>
    );
  },
});
