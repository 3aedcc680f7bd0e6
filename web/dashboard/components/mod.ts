/**
 * The dashboard's components, shared by the server render and the browser: the pages, the
 * layout, the runtime context (live data and feed), the API caller's types, and the UI parts the
 * server's error pages use.
 *
 * @module
 */

export { type Api, ApiFailure, readAnswer, readLines } from "./api.ts";
export { Layout } from "./layout.tsx";
export type { HydrationPayload, LoadContext, PageDef, PageProps } from "./page.ts";
export { PAGES, ROUTES } from "./pages/mod.ts";
export {
  type FeedMessage,
  type FeedState,
  type Runtime,
  RuntimeContext,
  staticRuntime,
} from "./runtime.ts";
export { ErrorNote } from "./ui.tsx";
