/** @jsxImportSource npm:preact@11.2.0 */
/**
 * Renders one page on the server: loads its data through the in-process API, renders the
 * component to HTML, and wraps it in the document with the data the browser hydrates from.
 *
 * @module
 */

import type { Context } from "../../_deps.ts";
import {
  ApiFailure,
  ErrorNote,
  type HydrationPayload,
  Layout,
  type PageDef,
  PAGES,
  RuntimeContext,
  staticRuntime,
} from "../components/mod.ts";
import { renderToString } from "./_deps.ts";
import { inProcessApi, type RequestHandler } from "./api_caller.ts";
import { DASHBOARD_CSP, htmlDocument } from "./document.ts";

/** What a render needs besides the page. */
export interface RenderDeps {
  /** The app (its handlers answer the in-process API calls). */
  app: RequestHandler;
  /** The id of the newest stored event (where a page's live feed starts). */
  lastEventId(): Promise<number>;
}

async function feedUrl(
  def: PageDef<unknown>,
  data: unknown,
  params: Record<string, string>,
  deps: RenderDeps,
) {
  const f = def.feed(data, params);
  if (f.kind === "run") {
    const d = data as { run?: { status?: string } | null };
    if (d.run === null || d.run === undefined || d.run.status !== "RUNNING") return null;
    return `/api/workflows/${encodeURIComponent(f.id)}/events/stream?after=${f.after}`;
  }
  return `/api/events/stream?after=${await deps.lastEventId()}`;
}

/**
 * Answers a page request.
 *
 * @param c The request context.
 * @param id The page id.
 * @param deps The app and the feed position.
 * @returns The HTML response.
 */
export async function renderPage(c: Context, id: string, deps: RenderDeps): Promise<Response> {
  const def = PAGES[id] as PageDef<unknown>;
  const url = new URL(c.req.url);
  const params = c.req.param() as Record<string, string>;
  const api = inProcessApi(deps.app, c.req.raw);
  const path = `${url.pathname}${url.search}`;
  c.header("Content-Security-Policy", DASHBOARD_CSP);
  c.header("Cache-Control", "no-store");
  let data: unknown;
  try {
    data = await def.load(api, { url, params });
  } catch (e) {
    const status = e instanceof ApiFailure && e.status >= 400 && e.status < 600 ? e.status : 500;
    const body = renderToString(
      <Layout path={url.pathname} title="Something went wrong">
        <ErrorNote>{(e as Error).message}</ErrorNote>
      </Layout>,
    );
    return c.html(htmlDocument({ title: "Error", body }), status as 500);
  }
  const [feed] = await Promise.all([feedUrl(def, data, params, deps)]);
  const body = renderToString(
    <RuntimeContext.Provider value={staticRuntime(api)}>
      <def.Page url={path} params={params} data={data} />
    </RuntimeContext.Provider>,
  );
  const payload: HydrationPayload = { page: id, url: path, params, data, feed };
  const found = !(id === "run" && (data as { run: unknown }).run === null);
  return c.html(htmlDocument({ title: def.title(data, params), body, payload }), found ? 200 : 404);
}
