/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/definitions/:name`: one workflow's versions, its graph (the declared steps, and the
 * activities, timers, signals and state keys that its recent runs used), its recent runs, and a
 * form to start a run.
 *
 * @module
 */

import { type GraphLayout, layoutGraph, mergeGraphs } from "../graph_layout.ts";
import { overlays } from "../graph_status.ts";
import { GraphView } from "../graph_view.tsx";
import { Layout } from "../layout.tsx";
import { definePage, reloader } from "../page.ts";
import { RunTable } from "../run_table.tsx";
import { useLiveData } from "../runtime.ts";
import { StartForm } from "../start_form.tsx";
import type { Definition, Paged, RunDetail, RunSummary, WorkflowGraph } from "../types.ts";
import { ErrorNote, Section } from "../ui.tsx";

/** Recent runs whose history adds to the definition's graph. */
export const GRAPH_RUNS = 5;

/** The data of a definition's page. */
export interface DefinitionData {
  /** When it was read. */
  now: number;
  /** The definition, or `null` when unknown. */
  def: Definition | null;
  /** The version shown. */
  version: string;
  /** The merged graph and its layout. */
  graph: WorkflowGraph | null;
  /** Layout of the graph. */
  layout: GraphLayout | null;
  /** Recent runs of this workflow. */
  runs: RunSummary[];
  /** Runs of this workflow in all. */
  total: number | null;
  /** Input of the newest run of this version, to start from. */
  example: unknown;
}

/** A definition's page. */
export const definition = definePage<DefinitionData>({
  id: "definition",
  title: (_d, params) => params.name ?? "Definition",
  async load(api, { url, params }) {
    const name = params.name ?? "";
    const now = Date.now();
    const all = await api.get<{ definitions: Definition[] }>("/api/definitions");
    const def = all.definitions.find((d) => d.name === name) ?? null;
    const runs = await api.get<Paged<RunSummary>>(
      `/api/workflows?workflow=${encodeURIComponent(name)}&per_page=10`,
    );
    if (def === null) {
      return {
        now,
        def,
        version: "",
        graph: null,
        layout: null,
        runs: runs.data,
        total: runs.meta.total,
        example: undefined,
      };
    }
    const version = url.searchParams.get("version") ?? def.latest_version;
    const q = `?version=${encodeURIComponent(version)}`;
    const sameVersion = runs.data.filter((r) => r.version === version).slice(0, GRAPH_RUNS);
    const [base, runGraphs, newest] = await Promise.all([
      api.get<WorkflowGraph>(`/api/graphs/definitions/${encodeURIComponent(name)}${q}`),
      Promise.all(
        sameVersion.map((r) =>
          api.get<WorkflowGraph>(`/api/graphs/workflow/${encodeURIComponent(r.id)}/definition`)
            .catch(() => null)
        ),
      ),
      sameVersion[0] === undefined
        ? Promise.resolve(null)
        : api.get<RunDetail>(`/api/workflows/${encodeURIComponent(sameVersion[0].id)}`).catch(() =>
          null
        ),
    ]);
    const graph = mergeGraphs(base, runGraphs.filter((g): g is WorkflowGraph => g !== null));
    return {
      now,
      def,
      version,
      graph,
      layout: layoutGraph(graph),
      runs: runs.data,
      total: runs.meta.total,
      example: newest?.input ?? undefined,
    };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const name = props.params.name ?? "";
    const d = useLiveData(
      props.data,
      reloader(definition, props),
      (m) => m.type === "run" && m.data.name === name,
      1000,
    );
    if (d.def === null) {
      return (
        <Layout path="/definitions" title={name}>
          <ErrorNote>No definition named "{name}" is registered in this process.</ErrorNote>
          <Section title="Recorded runs">
            <RunTable runs={d.runs} now={d.now} />
          </Section>
        </Layout>
      );
    }
    const v = d.def.versions.find((x) => x.version === d.version);
    return (
      <Layout
        path="/definitions"
        title={
          <>
            {d.def.name} <span class="muted">v{d.version}</span>
          </>
        }
      >
        {d.def.description === "" ? null : <p class="lead">{d.def.description}</p>}
        <nav class="versions" aria-label="Versions">
          Versions: {d.def.versions.map((x) => (
            <a
              href={`/definitions/${encodeURIComponent(d.def?.name ?? "")}?version=${
                encodeURIComponent(x.version)
              }`}
              aria-current={x.version === d.version ? "page" : undefined}
            >
              {x.version}
              {x.latest ? " (latest)" : ""}
            </a>
          ))}
        </nav>
        <div class="two">
          <Section
            title="Graph"
            extra={
              <span class="muted">
                {d.graph?.metadata.source === "definition+history"
                  ? `steps, and what the ${Math.min(GRAPH_RUNS, d.runs.length)} newest runs called`
                  : "declared steps"}
              </span>
            }
          >
            {d.graph === null || d.layout === null ? null : (
              <GraphView
                layout={d.layout}
                overlays={overlays(d.graph)}
                title={`Graph of ${d.def.name}`}
                id="definition-graph"
              />
            )}
            <ol class="steps">
              {v?.steps.map((s) => (
                <li>
                  <strong>{s.name}</strong> <span class="mono muted">{s.function}()</span>
                  {s.description === "" ? null : <div class="muted">{s.description}</div>}
                </li>
              ))}
            </ol>
          </Section>
          <Section title="Start a run">
            <StartForm def={d.def} version={d.version} example={d.example} />
          </Section>
        </div>
        <Section
          title={`Recent runs${d.total === null ? "" : ` (${d.total} in all)`}`}
          extra={<a href={`/workflows?workflow=${encodeURIComponent(d.def.name)}`}>All →</a>}
        >
          <RunTable runs={d.runs} now={d.now} id="definition-runs" />
        </Section>
      </Layout>
    );
  },
});
