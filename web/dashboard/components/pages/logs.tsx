/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/logs`: log entries of all runs, newest first, by level, with a search over the entries of
 * the page being shown (the API has no text filter: the page says how many it searched).
 *
 * @module
 */

import { query } from "../api.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLiveData } from "../runtime.ts";
import type { LogEntry, Paged } from "../types.ts";
import { Badge, Empty, Pager, Time } from "../ui.tsx";

/** Entries read per page (and searched, with a search text). */
export const LOGS_PER_PAGE = 100;

/** The data of the logs page. */
export interface LogsData {
  /** When it was read. */
  now: number;
  /** The page read. */
  page: Paged<LogEntry>;
  /** Level filter. */
  level: string;
  /** Search text. */
  q: string;
}

/** The logs page. */
export const logs = definePage<LogsData>({
  id: "logs",
  title: () => "Logs",
  async load(api, { url }) {
    const level = url.searchParams.get("level") ?? "";
    const q = url.searchParams.get("q") ?? "";
    const page = await api.get<Paged<LogEntry>>(
      `/api/logs${query({ level, page: url.searchParams.get("page"), per_page: LOGS_PER_PAGE })}`,
    );
    return { now: Date.now(), page, level, q };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = useLiveData(props.data, reloader(logs, props), (m) => m.type === "run", 1000);
    const needle = d.q.toLowerCase();
    const shown = needle === ""
      ? d.page.data
      : d.page.data.filter((l) =>
        l.message.toLowerCase().includes(needle) || l.workflow_id.toLowerCase().includes(needle)
      );
    return (
      <Layout path="/logs" title="Logs">
        <form class="filters" method="get" action="/logs" id="log-filters">
          <label>
            Level
            <select name="level">
              <option value="">Any</option>
              {["DEBUG", "INFO", "WARNING", "ERROR"].map((l) => (
                <option value={l} selected={l === d.level}>{l}</option>
              ))}
            </select>
          </label>
          <label class="grow">
            Search (in this page's entries)
            <input type="search" name="q" defaultValue={d.q} />
          </label>
          <div class="filter-buttons">
            <button type="submit" class="primary">Apply</button>
            <a class="button" href="/logs">Clear</a>
          </div>
        </form>
        {needle === "" ? null : (
          <p class="muted" id="log-search-note">
            {shown.length} of the {d.page.data.length} entries on this page match "{d.q}".
          </p>
        )}
        {shown.length === 0 ? <Empty>No log entries.</Empty> : (
          <div class="table-wrap">
            <table id="log-table" class="logs">
              <thead>
                <tr>
                  <th scope="col">Level</th>
                  <th scope="col">Time</th>
                  <th scope="col">Run</th>
                  <th scope="col">Step</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((l) => (
                  <tr key={l.id} data-level={l.level}>
                    <td>
                      <Badge value={l.level} kind="level" />
                    </td>
                    <td>
                      <Time iso={l.created_at} now={d.now} />
                    </td>
                    <td class="mono">
                      <a href={`/workflows/${encodeURIComponent(l.workflow_id)}?tab=logs`}>
                        {l.workflow_id}
                      </a>
                    </td>
                    <td>{l.step ?? "-"}</td>
                    <td class="message mono">{l.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          url={props.url}
          page={d.page.meta.page ?? 1}
          pages={d.page.meta.pages ?? 1}
          total={d.page.meta.total}
        />
      </Layout>
    );
  },
});
