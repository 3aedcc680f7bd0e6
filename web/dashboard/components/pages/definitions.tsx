/** @jsxImportSource npm:preact@11.2.0 */
/**
 * `/definitions`: the workflow definitions this process knows, with their versions and steps.
 *
 * @module
 */

import { Layout } from "../layout.tsx";
import { definePage } from "../page.ts";
import type { Definition } from "../types.ts";
import { Empty } from "../ui.tsx";

/** The data of the definitions list. */
export interface DefinitionsData {
  /** The definitions. */
  definitions: Definition[];
}

/** The definitions page. */
export const definitions = definePage<DefinitionsData>({
  id: "definitions",
  title: () => "Definitions",
  async load(api) {
    const d = await api.get<{ definitions: Definition[] }>("/api/definitions");
    return { definitions: [...d.definitions].sort((a, b) => a.name.localeCompare(b.name)) };
  },
  feed: () => ({ kind: "all" }),
  Page(props) {
    const defs = props.data.definitions;
    return (
      <Layout path="/definitions" title="Definitions">
        {defs.length === 0
          ? <Empty>No workflow definitions are registered in this process (pass --module).</Empty>
          : (
            <div class="table-wrap">
              <table id="definitions">
                <thead>
                  <tr>
                    <th scope="col">Workflow</th>
                    <th scope="col">Latest</th>
                    <th scope="col">Versions</th>
                    <th scope="col">Steps</th>
                    <th scope="col">Runs</th>
                  </tr>
                </thead>
                <tbody>
                  {defs.map((d) => {
                    const latest = d.versions.find((v) => v.latest) ?? d.versions.at(-1);
                    return (
                      <tr data-definition={d.name}>
                        <td>
                          <a href={`/definitions/${encodeURIComponent(d.name)}`}>
                            <strong>{d.name}</strong>
                          </a>
                          {d.description === "" ? null : <div class="muted">{d.description}</div>}
                        </td>
                        <td>{d.latest_version}</td>
                        <td>{d.versions.map((v) => v.version).join(", ")}</td>
                        <td>{latest?.steps.map((s) => s.name).join(" → ")}</td>
                        <td>
                          <a href={`/workflows?workflow=${encodeURIComponent(d.name)}`}>runs →</a>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
      </Layout>
    );
  },
});
