/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/events`: events of all runs, newest first, filtered by type (also the reference's
 * `STEP_COMPLETE` and `STEP_FAILED`) and run; live.
 *
 * @module
 */

import { query } from "../api.ts";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { useLiveData } from "../runtime.ts";
import { summarize } from "../timeline.tsx";
import { EVENT_TYPES, type EventDetail, type Paged } from "../types.ts";
import { Badge, Empty, ErrorNote, Pager, Time } from "../ui.tsx";

/** The data of the events page. */
export interface EventsData {
  /** When it was read. */
  now: number;
  /** The page of events. */
  page: Paged<EventDetail> | null;
  /** A refused filter. */
  error: string;
  /** Type filter. */
  type: string;
  /** Run filter. */
  workflowId: string;
}

/** The events page. */
export const events = definePage<EventsData>({
  id: "events",
  title: () => "Events",
  async load(api, { url }) {
    const type = url.searchParams.get("type") ?? "";
    const workflowId = url.searchParams.get("workflow_id") ?? "";
    const pageNo = url.searchParams.get("page") ?? "";
    try {
      const page = await api.get<Paged<EventDetail>>(
        `/api/events${query({ type, workflow_id: workflowId, page: pageNo, per_page: 50 })}`,
      );
      return { now: Date.now(), page, error: "", type, workflowId };
    } catch (e) {
      return { now: Date.now(), page: null, error: (e as Error).message, type, workflowId };
    }
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const first = (new URL(props.url, "http://localhost").searchParams.get("page") ?? "1") === "1";
    const d = useLiveData(
      props.data,
      reloader(events, props),
      (m) => first && m.type === "message",
      1000,
    );
    return (
      <Layout path="/events" title="Events">
        <form class="filters" method="get" action="/events" id="event-filters">
          <label>
            Type
            <select name="type">
              <option value="">Any</option>
              {EVENT_TYPES.map((t) => (
                <option key={t} value={t} selected={t === d.type}>{t}</option>
              ))}
              <option value="STEP_COMPLETE" selected={d.type === "STEP_COMPLETE"}>
                STEP_COMPLETE (= STEP_END)
              </option>
              <option value="STEP_FAILED" selected={d.type === "STEP_FAILED"}>
                STEP_FAILED (a step threw)
              </option>
            </select>
          </label>
          <label class="grow">
            Run id
            <input name="workflow_id" defaultValue={d.workflowId} class="mono" />
          </label>
          <div class="filter-buttons">
            <button type="submit" class="primary">Apply</button>
            <a class="button" href="/events">Clear</a>
          </div>
        </form>
        {d.error === "" ? null : <ErrorNote>{d.error}</ErrorNote>}
        {d.page === null || d.page.data.length === 0
          ? <Empty>No events.</Empty>
          : (
            <div class="table-wrap">
              <table id="event-table">
                <thead>
                  <tr>
                    <th scope="col" class="num">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">Type</th>
                    <th scope="col">Run</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {d.page.data.map((e) => (
                    <tr key={e.id} data-type={e.type}>
                      <td class="num mono">{e.id}</td>
                      <td>
                        <Time iso={e.created_at} now={d.now} />
                      </td>
                      <td>
                        <Badge value={e.type} kind="event" />
                      </td>
                      <td class="mono">
                        <a href={`/workflows/${encodeURIComponent(e.workflow_id)}`}>
                          {e.workflow_id}
                        </a>
                        <div class="muted">{e.workflow_name}</div>
                      </td>
                      <td class="message">
                        <details>
                          <summary>{summarize(e)}</summary>
                          <pre class="json">{JSON.stringify(e.payload, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {d.page === null ? null : (
          <Pager
            url={props.url}
            page={d.page.meta.page ?? 1}
            pages={d.page.meta.pages ?? 1}
            total={d.page.meta.total}
          />
        )}
      </Layout>
    );
  },
});
