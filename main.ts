/**
 * Loom: durable workflows for Deno. This module is the package's front door: it exports the
 * public API, and runs the command line when it is the main module (`deno run -A main.ts serve`).
 *
 * @example
 * ```ts
 * import { activity, createEngine, defineWorkflow } from "./main.ts";
 *
 * const greet = activity({ name: "main_greet" }, (name: string) => `Hello, ${name}`);
 * const hello = defineWorkflow<{ name: string }, { greeting: string }>({
 *   name: "main_hello",
 *   steps: [async function run(ctx) {
 *     await ctx.state.set("greeting", await ctx.activity(greet, ctx.input.name));
 *   }],
 * });
 *
 * await using engine = await createEngine({ kvPath: ":memory:" });
 * const handle = await engine.start(hello, { name: "Ada" });
 * console.assert((await handle.result()).greeting === "Hello, Ada");
 * ```
 *
 * @module
 */

export * from "./engine/mod.ts";
export { connect, type ConnectOptions, HttpClient } from "./web/client.ts";
export type { SseMessage } from "./web/sse_reader.ts";
// Registers the bundled examples as a module of the program (they load from a bundle too).
import "./examples/embed.ts";
// Resolves the dashboard's npm packages with this graph, not first in the CLI's dynamic import.
import "./web/dashboard/_npm_preload.ts";

/** Whether this code runs in a Web Worker (where a bundle that is its own Worker entry is main). */
function inWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
}

if (import.meta.main && !inWorker()) {
  // The CLI (and with it the HTTP server) loads only when this module runs as a program. No
  // top-level await: the CLI imports the user's modules, and a module that imports this one must
  // find it evaluated, not waiting for the CLI (that would deadlock).
  import("./cli/mod.ts").then(({ runCli }) => runCli(Deno.args)).then((code) => Deno.exit(code));
}
