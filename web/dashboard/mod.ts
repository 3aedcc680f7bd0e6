/**
 * The dashboard: pages server-rendered with Preact by the API's own Hono app (their data from
 * the API's handlers, in-process), hydrated in the browser by a bundle that lives in the module
 * graph, and live over the API's SSE feed.
 *
 * `createApp` mounts it: {@linkcode publicRoutes} before the token check, {@linkcode pageRoutes}
 * after it.
 *
 * @module
 */

export { pageRoutes, publicRoutes } from "./server/routes.ts";
export { ASSET_BASE, DASHBOARD_CSP } from "./server/document.ts";
export type { RenderDeps } from "./server/render.tsx";
export type { HydrationPayload } from "./components/page.ts";
export { ROUTES } from "./components/pages/mod.ts";
export { type BulkProgress, cancelMatchingRuns } from "./components/actions.ts";
export { type Api, ApiFailure } from "./components/api.ts";
export type { RequestHandler } from "./server/api_caller.ts";
