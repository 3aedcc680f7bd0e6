/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/`: counts by status, the throughput chart, recent runs and recent failures, all live.
 *
 * @module
 */

import { ThroughputChart } from "../chart.tsx";
import { fmtCount } from "../format.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLiveData, useNow } from "../runtime.ts";
import { RunTable } from "../run_table.tsx";
import type { Paged, RunSummary, SystemStats } from "../types.ts";
import { Card, Section } from "../ui.tsx";

/** The data of the overview. */
export interface HomeData {
  /** When it was read (ms). */
  now: number;
  /** `GET /api/stats?minutes=30`. */
  stats: SystemStats;
  /** The newest runs. */
  recent: RunSummary[];
  /** The newest failed runs. */
  failures: RunSummary[];
}

/** The overview page. */
export const home = definePage<HomeData>({
  id: "home",
  title: () => "Overview",
  async load(api) {
    const [stats, recent, failures] = await Promise.all([
      api.get<SystemStats>("/api/stats?minutes=30"),
      api.get<Paged<RunSummary>>("/api/workflows?per_page=10"),
      api.get<Paged<RunSummary>>("/api/workflows?status=FAILED&per_page=5"),
    ]);
    return { now: Date.now(), stats, recent: recent.data, failures: failures.data };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = useLiveData(props.data, reloader(home, props), (m) => m.type === "run", 1000);
    const now = useNow(d.now);
    const w = d.stats.workflows;
    const ended = w.completed + w.failed + w.cancelled;
    const rate = ended === 0 ? "-" : `${((w.completed / ended) * 100).toFixed(1)} %`;
    return (
      <Layout path="/" title="Overview">
        <div class="cards" id="counts">
          <Card
            label="Runs"
            value={fmtCount(w.total)}
            note={`${w.running} running · ${w.completed} completed`}
            href="/workflows"
            id="count-total"
          />
          <Card
            label="Running"
            value={fmtCount(w.running)}
            tone="running"
            href="/workflows?status=RUNNING"
            id="count-running"
          />
          <Card
            label="Failed"
            value={fmtCount(w.failed)}
            tone="failed"
            note="need attention"
            href="/workflows?status=FAILED"
            id="count-failed"
          />
          <Card
            label="Cancelled"
            value={fmtCount(w.cancelled)}
            tone="cancelled"
            href="/workflows?status=CANCELLED"
            id="count-cancelled"
          />
          <Card label="Success rate" value={rate} note="completed / ended runs" />
          <Card
            label="In flight"
            value={fmtCount(d.stats.live.activities_running)}
            note={`activities running · ${d.stats.live.timers_scheduled} timers`}
            href="/tasks"
          />
        </div>
        <Section title="Throughput, last 30 minutes" extra={<a href="/stats">Statistics →</a>}>
          <ThroughputChart data={d.stats.throughput} />
        </Section>
        <div class="two">
          <Section title="Recent runs" extra={<a href="/workflows">All runs →</a>} id="recent-runs">
            <RunTable
              runs={d.recent}
              now={now}
              compact
              empty="No runs yet: start one from a definition."
            />
          </Section>
          <Section
            title="Recent failures"
            extra={<a href="/workflows?status=FAILED">All failures →</a>}
            id="recent-failures"
          >
            <RunTable runs={d.failures} now={now} compact empty="No failed runs." />
          </Section>
        </div>
      </Layout>
    );
  },
});
