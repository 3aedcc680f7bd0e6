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

export {
  ASSET_BASE,
  DASHBOARD_CSP,
  pageRoutes,
  publicRoutes,
  type RenderDeps,
  type RequestHandler,
} from "./server/mod.ts";
export { type Api, ApiFailure, type HydrationPayload, ROUTES } from "./components/mod.ts";
export { type BulkProgress, cancelMatchingRuns } from "./components/actions.ts";
