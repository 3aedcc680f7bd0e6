/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/compare?a=ID&b=ID`: two runs side by side: their facts, input and state (differences
 * marked by path), step durations, and their event sequences aligned (calls only one made, and
 * calls both made with other values, marked).
 *
 * @module
 */

import { type Api, ApiFailure } from "../api.ts";
import { alignEvents, diffValues, type ValueDiff } from "../diff.ts";
import { between, fmtDuration } from "../format.ts";
import { Layout } from "../layout.tsx";
import { definePage } from "../page.ts";
import { groupBySteps, summarize } from "../timeline.tsx";
import type { Paged, RunDetail, RunEvent } from "../types.ts";
import { Badge, Empty, ErrorNote, Section } from "../ui.tsx";

/** One side. */
export interface Side {
  /** The id asked for. */
  id: string;
  /** The run, or `null`. */
  run: RunDetail | null;
  /** Its events. */
  events: RunEvent[];
  /** Why it could not be read. */
  error: string;
}

/** The data of the compare page. */
export interface CompareData {
  /** When it was read. */
  now: number;
  /** The first run. */
  a: Side | null;
  /** The second run. */
  b: Side | null;
}

async function side(api: Api, id: string): Promise<Side> {
  try {
    const e = encodeURIComponent(id);
    const [run, events] = await Promise.all([
      api.get<RunDetail>(`/api/workflows/${e}`),
      api.get<Paged<RunEvent>>(`/api/workflows/${e}/events?per_page=1000&sort_order=asc`),
    ]);
    return { id, run, events: events.data, error: "" };
  } catch (e) {
    const missing = e instanceof ApiFailure && e.status === 404;
    return {
      id,
      run: null,
      events: [],
      error: missing ? `No run has the id "${id}"` : (e as Error).message,
    };
  }
}

function DiffTable(props: { rows: ValueDiff[]; id: string }) {
  if (props.rows.length === 0) return <Empty>Both empty.</Empty>;
  const differing = props.rows.filter((r) => r.kind !== "same").length;
  return (
    <>
      <p class="muted">
        {differing === 0 ? "Identical." : `${differing} of ${props.rows.length} paths differ.`}
      </p>
      <div class="table-wrap">
        <table class="diff" id={props.id}>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr class={`diff-${r.kind}`} data-diff={r.kind}>
                <td class="mono">{r.path === "" ? "(value)" : r.path}</td>
                <td class="mono">{r.a ?? "—"}</td>
                <td class="mono">{r.b ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The compare page. */
export const compare = definePage<CompareData>({
  id: "compare",
  title: () => "Compare runs",
  async load(api, { url }) {
    const a = url.searchParams.get("a")?.trim() ?? "";
    const b = url.searchParams.get("b")?.trim() ?? "";
    const [sa, sb] = await Promise.all([
      a === "" ? null : side(api, a),
      b === "" ? null : side(api, b),
    ]);
    return { now: Date.now(), a: sa, b: sb };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const d = props.data;
    const ra = d.a?.run ?? null;
    const rb = d.b?.run ?? null;
    return (
      <Layout path="/compare" title="Compare two runs">
        <form class="filters" method="get" action="/compare" id="compare-form">
          <label class="grow">
            Run A<input name="a" defaultValue={d.a?.id ?? ""} class="mono" required />
          </label>
          <label class="grow">
            Run B<input name="b" defaultValue={d.b?.id ?? ""} class="mono" required />
          </label>
          <div class="filter-buttons">
            <button type="submit" class="primary">Compare</button>
          </div>
        </form>
        {d.a?.error ? <ErrorNote>A: {d.a.error}</ErrorNote> : null}
        {d.b?.error ? <ErrorNote>B: {d.b.error}</ErrorNote> : null}
        {ra === null || rb === null
          ? <p class="muted">Give two run ids (a run's page has a "Compare…" button).</p>
          : (
            <>
              <div class="table-wrap">
                <table class="facts-table" id="compare-facts">
                  <thead>
                    <tr>
                      <th scope="col" />
                      <th scope="col">A</th>
                      <th scope="col">B</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <th scope="row">Run</th>
                      <td class="mono">
                        <a href={`/workflows/${encodeURIComponent(ra.id)}`}>{ra.id}</a>
                      </td>
                      <td class="mono">
                        <a href={`/workflows/${encodeURIComponent(rb.id)}`}>{rb.id}</a>
                      </td>
                    </tr>
                    <tr
                      class={ra.name === rb.name && ra.version === rb.version ? "" : "diff-changed"}
                    >
                      <th scope="row">Workflow</th>
                      <td>{ra.name} v{ra.version}</td>
                      <td>{rb.name} v{rb.version}</td>
                    </tr>
                    <tr class={ra.status === rb.status ? "" : "diff-changed"}>
                      <th scope="row">Status</th>
                      <td>
                        <Badge value={ra.status} />
                      </td>
                      <td>
                        <Badge value={rb.status} />
                      </td>
                    </tr>
                    <tr>
                      <th scope="row">Duration</th>
                      <td>{fmtDuration(between(ra.created_at, ra.completed_at, d.now))}</td>
                      <td>{fmtDuration(between(rb.created_at, rb.completed_at, d.now))}</td>
                    </tr>
                    <tr class={ra.event_count === rb.event_count ? "" : "diff-changed"}>
                      <th scope="row">Events</th>
                      <td>{ra.event_count}</td>
                      <td>{rb.event_count}</td>
                    </tr>
                    <tr class={ra.error_message === rb.error_message ? "" : "diff-changed"}>
                      <th scope="row">Error</th>
                      <td>{ra.error_message ?? "-"}</td>
                      <td>{rb.error_message ?? "-"}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
              <div class="two">
                <Section title="Input">
                  <DiffTable rows={diffValues(ra.input, rb.input)} id="diff-input" />
                </Section>
                <Section title="State">
                  <DiffTable
                    rows={diffValues(ra.current_state, rb.current_state)}
                    id="diff-state"
                  />
                </Section>
              </div>
              <Section title="Steps">
                <StepTimes a={d.a?.events ?? []} b={d.b?.events ?? []} now={d.now} />
              </Section>
              <Section title="Event sequence">
                <EventRows a={d.a?.events ?? []} b={d.b?.events ?? []} />
              </Section>
            </>
          )}
      </Layout>
    );
  },
});

function StepTimes(props: { a: RunEvent[]; b: RunEvent[]; now: number }) {
  const ga = groupBySteps(props.a).filter((g) => g.step !== null);
  const gb = groupBySteps(props.b).filter((g) => g.step !== null);
  const names = [...new Set([...ga, ...gb].map((g) => g.step as string))];
  const took = (g: ReturnType<typeof groupBySteps>[number] | undefined) =>
    g === undefined ? "—" : `${fmtDuration((g.endMs ?? props.now) - g.startMs)} (${g.state})`;
  return (
    <div class="table-wrap">
      <table id="compare-steps">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          {names.map((n) => {
            const x = ga.find((g) => g.step === n);
            const y = gb.find((g) => g.step === n);
            return (
              <tr class={x?.state === y?.state ? "" : "diff-changed"}>
                <td>{n}</td>
                <td>{took(x)}</td>
                <td>{took(y)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function EventRows(props: { a: RunEvent[]; b: RunEvent[] }) {
  const rows = alignEvents(props.a, props.b);
  const differing = rows.filter((r) => r.kind !== "same").length;
  return (
    <>
      <p class="muted" id="event-diff-summary">
        {differing === 0
          ? "The same calls with the same values."
          : `${differing} of ${rows.length} rows differ.`}
      </p>
      <div class="table-wrap">
        <table class="diff" id="diff-events">
          <thead>
            <tr>
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr class={`diff-${r.kind}`} data-diff={r.kind}>
                <td>
                  {r.a === undefined ? "—" : (
                    <>
                      <Badge value={r.a.type} kind="event" /> {summarize(r.a)}
                    </>
                  )}
                </td>
                <td>
                  {r.b === undefined ? "—" : (
                    <>
                      <Badge value={r.b.type} kind="event" /> {summarize(r.b)}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
