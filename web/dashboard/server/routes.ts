/**
 * The dashboard's routes on the API's Hono app: the pages (server-rendered with their data),
 * the assets (from the module graph), and the token login.
 *
 * @module
 */

import type { RoutesApp as App } from "../../api/context.ts";
import { CLIENT_CSS, CLIENT_JS } from "../assets/client.gen.ts";
import { ROUTES } from "../components/mod.ts";
import { ASSET_BASE } from "./document.ts";
import { loginRoutes, pageGuard } from "./login.ts";
import { type RenderDeps, renderPage } from "./render.tsx";

const CACHE = "public, max-age=31536000, immutable";

/**
 * Registers what must answer without the token: the assets (code and styles, no data) and the
 * login page. Call it before the API's token check.
 *
 * @param app The app.
 * @param token The server's token, when it has one.
 */
export function publicRoutes(app: App, token: string | undefined): void {
  app.get(`${ASSET_BASE}/client.js`, (c) => {
    c.header("Cache-Control", CACHE);
    return c.body(CLIENT_JS, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get(`${ASSET_BASE}/app.css`, (c) => {
    c.header("Cache-Control", CACHE);
    return c.body(CLIENT_CSS, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  loginRoutes(app, token);
  if (token !== undefined) {
    const guard = pageGuard(token);
    for (const [path] of ROUTES) app.use(path, guard);
  }
}

/**
 * Registers the pages.
 *
 * @param app The app.
 * @param deps How the pages read the API and where their live feed starts.
 */
export function pageRoutes(app: App, deps: Omit<RenderDeps, "app">): void {
  const full: RenderDeps = { app, ...deps };
  for (const [path, id] of ROUTES) app.get(path, (c) => renderPage(c, id, full));
}
