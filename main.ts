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

if (import.meta.main) {
  // The CLI (and with it the HTTP server) loads only when this module runs as a program.
  const { runCli } = await import("./cli/mod.ts");
  Deno.exit(await runCli(Deno.args));
}
