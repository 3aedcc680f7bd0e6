/**
 * The dashboard's server side: the page routes (rendered with their data from the API's own
 * handlers), the public routes (login, assets), the HTML document and its policy.
 *
 * @module
 */

export { type RequestHandler } from "./api_caller.ts";
export { ASSET_BASE, DASHBOARD_CSP } from "./document.ts";
export type { RenderDeps } from "./render.tsx";
export { pageRoutes, publicRoutes } from "./routes.ts";
