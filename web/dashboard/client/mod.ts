/**
 * The dashboard's browser side (bundled from `main.tsx` by `deno task dashboard:build`): the
 * browser runtime (one `EventSource` per page, `Last-Event-ID` resume) and the live chart.
 *
 * @module
 */

export { browserRuntime } from "./browser_runtime.ts";
export { mountThroughput } from "./chart.ts";
