/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/stats`: totals, runs and tasks by status as shares, what is in flight, health, runs per
 * minute over the last hour, and the processes that hold the file's partitions; live.
 *
 * @module
 */

import { ThroughputChart } from "../chart.tsx";
import { fmtCount } from "../format.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLiveData } from "../runtime.ts";
import type { HealthStats, ProcessList, SystemStats } from "../types.ts";
import { Badge, Card, Empty, Section, Time } from "../ui.tsx";

/** The data of the statistics page. */
export interface StatsData {
  /** When it was read. */
  now: number;
  /** `GET /api/stats?minutes=60`. */
  stats: SystemStats;
  /** `GET /api/stats/health`. */
  health: HealthStats;
  /** `GET /api/stats/processes`. */
  processes: ProcessList;
}

function Processes(props: { list: ProcessList; now: number }) {
  const d = props.list;
  if (d.processes.length === 0) {
    return <Empty>No process owns any of the {d.partition_count} partitions now.</Empty>;
  }
  const held = d.processes.reduce((n, p) => n + p.partitions.length, 0);
  return (
    <div class="table-wrap">
      <table id="process-table">
        <caption>{held} of {d.partition_count} partitions held</caption>
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col">Host</th>
            <th scope="col">Since</th>
            <th scope="col" class="num">Partitions</th>
            <th scope="col">Which</th>
          </tr>
        </thead>
        <tbody>
          {d.processes.map((p) => (
            <tr>
              <td class="mono">
                pid {p.pid}
                {p.owner_id === d.this_process ? <span class="muted">(this server)</span> : null}
              </td>
              <td>{p.host}</td>
              <td>
                <Time iso={p.since} now={props.now} />
              </td>
              <td class="num">{p.partitions.length}</td>
              <td class="mono">{p.partitions.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Bars(props: { rows: [string, number, string][]; total: number; id: string }) {
  return (
    <div class="bars" id={props.id}>
      {props.rows.map(([label, n, tone]) => {
        const pct = props.total === 0 ? 0 : (n / props.total) * 100;
        return (
          <div class="bar-row">
            <span class="bar-label">{label}</span>
            <span class="bar-track">
              <span class={`bar-fill tone-${tone}`} style={`width:${pct.toFixed(1)}%`} />
            </span>
            <span class="bar-value">{fmtCount(n)} · {pct.toFixed(1)} %</span>
          </div>
        );
      })}
    </div>
  );
}

/** The statistics page. */
export const stats = definePage<StatsData>({
  id: "stats",
  title: () => "Statistics",
  async load(api) {
    const [s, health, processes] = await Promise.all([
      api.get<SystemStats>("/api/stats?minutes=60"),
      api.get<HealthStats>("/api/stats/health"),
      api.get<ProcessList>("/api/stats/processes"),
    ]);
    return { now: Date.now(), stats: s, health, processes };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = useLiveData(props.data, reloader(stats, props), (m) => m.type === "run", 2000);
    const w = d.stats.workflows;
    const t = d.stats.tasks;
    return (
      <Layout path="/stats" title="Statistics">
        <div class="cards">
          <Card label="Runs" value={fmtCount(w.total)} />
          <Card label="Tasks kept" value={fmtCount(t.total)} />
          <Card label="Events" value={fmtCount(d.stats.events)} />
          <Card label="Log entries" value={fmtCount(d.stats.logs)} />
          <Card
            label="Health"
            value={<Badge value={d.health.status} kind="health" />}
            note={`${d.health.failure_rate} % failed · ${d.health.recent_errors} errors in the last hour`}
          />
        </div>
        <div class="two">
          <Section title="Runs by status">
            <Bars
              id="run-bars"
              total={w.total}
              rows={[["Running", w.running, "running"], ["Completed", w.completed, "done"], [
                "Failed",
                w.failed,
                "failed",
              ], ["Cancelled", w.cancelled, "cancelled"]]}
            />
          </Section>
          <Section title="Tasks by status">
            <Bars
              id="task-bars"
              total={t.total}
              rows={[["Pending", t.pending, "waiting"], ["Running", t.running, "running"], [
                "Completed",
                t.completed,
                "done",
              ], ["Failed", t.failed, "failed"]]}
            />
          </Section>
        </div>
        <Section title="In flight">
          <div class="cards">
            <Card label="Activities running" value={d.stats.live.activities_running} />
            <Card label="Timers scheduled" value={d.stats.live.timers_scheduled} />
            <Card label="Timers due" value={d.stats.live.timers_due} />
            <Card
              label="Counted by"
              value={d.stats.live.source}
              note={d.stats.live.source === "owner" ? "the engine's own counts" : "read from KV"}
            />
          </div>
        </Section>
        <Section title="Runs per minute, last hour">
          <ThroughputChart data={d.stats.throughput} />
        </Section>
        <Section title="Processes">
          <Processes list={d.processes} now={d.now} />
        </Section>
      </Layout>
    );
  },
});
