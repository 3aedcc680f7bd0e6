/** @jsxImportSource npm:preact@11.2.0 */
/**
 * The browser entry of the dashboard (bundled by `deno task dashboard:build`): reads the page's
 * data that the server embedded, and hydrates the same page component over the server's HTML,
 * with the browser runtime (fetch, the live feed, uPlot).
 *
 * @module
 */

import { hydrate } from "../_deps.ts";
import { type HydrationPayload, PAGES, RuntimeContext } from "../components/mod.ts";
import { browserRuntime } from "./browser_runtime.ts";

const root = document.getElementById("app");
const script = document.getElementById("loom-page");
if (root !== null && script !== null) {
  const payload = JSON.parse(script.textContent ?? "{}") as HydrationPayload;
  const def = PAGES[payload.page];
  if (def !== undefined) {
    hydrate(
      <RuntimeContext.Provider value={browserRuntime(payload.feed)}>
        <def.Page url={payload.url} params={payload.params} data={payload.data} />
      </RuntimeContext.Provider>,
      root,
    );
    document.documentElement.dataset.hydrated = "true";
  }
}
