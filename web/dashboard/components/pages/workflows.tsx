/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/workflows`: the run list. Filters (status, name, exact workflow, id prefix, started between,
 * search in input, state and logs) live in the URL query; cursor paging; live.
 *
 * @module
 */

import { BulkCancel } from "../bulk_cancel.tsx";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { apiQuery, isFiltered, pageUrl, readFilter, type RunFilter } from "../run_filter.ts";
import { RunTable } from "../run_table.tsx";
import { useLiveData, useNow } from "../runtime.ts";
import { SEARCH_SCAN, searchRuns } from "../search.ts";
import {
  type Definition,
  type Paged,
  type PageMeta,
  RUN_STATUSES,
  type RunSummary,
} from "../types.ts";
import { ErrorNote } from "../ui.tsx";

/** The data of the run list. */
export interface WorkflowsData {
  /** When it was read. */
  now: number;
  /** The filters. */
  filter: RunFilter;
  /** Cursor of this page (`""` on the first). */
  cursor: string;
  /** The runs. */
  runs: RunSummary[];
  /** Paging metadata (`total` on the first page only). */
  meta: PageMeta | null;
  /** With a search: runs examined, where to resume. */
  search: { examined: number; next: string | null } | null;
  /** Workflow names, for the name filter. */
  names: string[];
  /** A refused filter (bad time). */
  error: string;
}

const PER_PAGE = 25;

/** The run list page. */
export const workflows = definePage<WorkflowsData>({
  id: "workflows",
  title: () => "Runs",
  async load(api, { url }) {
    const filter = readFilter(url);
    const cursor = url.searchParams.get("cursor") ?? "";
    const defs = api.get<{ definitions: Definition[] }>("/api/definitions");
    const base = { now: Date.now(), filter, cursor, names: [] as string[], error: "" };
    try {
      if (filter.q !== "") {
        const [found, d] = await Promise.all([
          searchRuns(api, filter, cursor === "" ? null : cursor),
          defs,
        ]);
        return {
          ...base,
          names: d.definitions.map((x) => x.name),
          runs: found.matches,
          meta: null,
          search: { examined: found.examined, next: found.next },
        };
      }
      const [page, d] = await Promise.all([
        api.get<Paged<RunSummary>>(
          `/api/workflows${apiQuery(filter, { per_page: PER_PAGE, cursor })}`,
        ),
        defs,
      ]);
      return {
        ...base,
        names: d.definitions.map((x) => x.name),
        runs: page.data,
        meta: page.meta,
        search: null,
      };
    } catch (e) {
      return { ...base, runs: [], meta: null, search: null, error: (e as Error).message };
    }
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = useLiveData(props.data, reloader(workflows, props), (m) => m.type === "run", 1000);
    const now = useNow(d.now);
    const f = d.filter;
    const total = d.meta?.total;
    return (
      <Layout path="/workflows" title="Runs">
        <form class="filters" method="get" action="/workflows" id="run-filters" role="search">
          <label>
            Status
            <select name="status">
              <option value="">Any</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s} selected={f.status === s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Workflow
            <select name="workflow">
              <option value="">Any</option>
              {d.names.map((n) => (
                <option key={n} value={n} selected={f.workflow === n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            Name contains
            <input name="name" defaultValue={f.name} placeholder="order" />
          </label>
          <label>
            Id starts with
            <input name="id" defaultValue={f.id} placeholder="example-" class="mono" />
          </label>
          <label>
            Started after (UTC)
            <input type="datetime-local" name="after" defaultValue={f.after} step="1" />
          </label>
          <label>
            Started before (UTC)
            <input type="datetime-local" name="before" defaultValue={f.before} step="1" />
          </label>
          <label class="grow">
            Search input, state and logs
            <input type="search" name="q" defaultValue={f.q} placeholder="ORD-12345" />
          </label>
          <div class="filter-buttons">
            <button type="submit" class="primary">Apply</button>
            <a href="/workflows" class="button">Clear</a>
          </div>
        </form>
        {d.error === "" ? null : <ErrorNote>{d.error}</ErrorNote>}
        <div class="list-head">
          <p class="muted" id="run-count">
            {d.search !== null
              ? `${d.runs.length} match${
                d.runs.length === 1 ? "" : "es"
              } among ${d.search.examined} runs examined${
                d.search.next === null ? " (all examined)" : ""
              }`
              : total === null || total === undefined
              ? `${d.runs.length} runs on this page`
              : `${total.toLocaleString("en-US")} run${total === 1 ? "" : "s"}`}
          </p>
          {isFiltered(f) || f.status === ""
            ? <BulkCancel listQuery={apiQuery(f, { search: f.q })} />
            : null}
        </div>
        <RunTable runs={d.runs} now={now} id="run-table" empty="No runs match these filters." />
        <nav class="pager" aria-label="Pages">
          {d.cursor === "" ? <span /> : <a href={pageUrl(f)}>← Newest</a>}
          <span />
          {d.search !== null
            ? d.search.next === null
              ? <span />
              : (
                <a href={pageUrl(f, { cursor: d.search.next })} id="search-more">
                  Search the next {SEARCH_SCAN} runs →
                </a>
              )
            : d.meta?.next_cursor
            ? <a href={pageUrl(f, { cursor: d.meta.next_cursor })} rel="next" id="older">Older →</a>
            : <span />}
        </nav>
      </Layout>
    );
  },
});
