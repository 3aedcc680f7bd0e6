/**
 * Tests never bind port 8000, the port of the README's main job (`deno task start`), so that
 * `deno task test` passes while it runs: a server in a test takes port 0 (or a free port).
 */

import assert from "node:assert/strict";
import { type Source, sources } from "./_rules.ts";

/** A line that mentions 8000 for another reason carries this in a comment. */
const MARKER = "not a server";

/** Lines of code (comments removed) with the number 8000, unless marked. */
function literal8000(file: Source): string[] {
  return file.text.split("\n").flatMap((line, i) => {
    const at = line.search(/(?<!:)\/\//); // a comment, not the "//" of a URL
    const code = at < 0 ? line : line.slice(0, at);
    const comment = at < 0 ? "" : line.slice(at);
    return /(?<![\w.])8000(?!\w)/.test(code) && !comment.includes(MARKER)
      ? [`${file.path}:${i + 1} hard-codes 8000`]
      : [];
  });
}

/** CLI argument lists of `serve` or `web` without `--port` (they would bind 8000). */
function servesWithoutPort(file: Source): string[] {
  // Comments out, lines kept (so that line numbers stay right).
  const code = file.text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ""))
    .replace(/(?<!:)\/\/.*$/gm, "");
  const out: string[] = [];
  for (const match of code.matchAll(/\[[^[\]]*\]/g)) {
    const items = [...match[0].matchAll(/"([^"\\]*)"|'([^'\\]*)'|`([^`\\]*)`/g)]
      .map((m) => m[1] ?? m[2] ?? m[3] ?? "");
    if (!items.some((s) => s === "serve" || s === "web")) continue;
    if (items[0] === "help" || items.includes("--help") || items.includes("-h")) continue;
    const argv = items.some((s) => s.startsWith("-")) || items.length <= 2;
    if (argv && !items.some((s) => s === "--port" || s.startsWith("--port="))) {
      const line = code.slice(0, match.index).split("\n").length;
      if (file.text.split("\n")[line - 1]?.includes(MARKER)) continue;
      out.push(`${file.path}:${line} runs "${items.join(" ")}" without --port`);
    }
  }
  return out;
}

/** `Deno.serve(` and `startServer(` calls without a `port` (their default is 8000). */
function serversWithoutPort(file: Source): string[] {
  const out: string[] = [];
  for (const match of file.text.matchAll(/\b(Deno\.serve|startServer)\(/g)) {
    const call = file.text.slice(match.index, match.index + 400);
    const options = call.slice(0, call.search(/=>|\bfetch\b|\)\s*;/) + 1 || call.length);
    if (!/\bport\b/.test(options)) {
      const line = file.text.slice(0, match.index).split("\n").length;
      out.push(`${file.path}:${line} calls ${match[1]}() without a port`);
    }
  }
  return out;
}

/**
 * The places where test files would bind port 8000.
 *
 * @param files Test files.
 * @returns One line per place.
 */
function portViolations(files: Source[]): string[] {
  return files.flatMap((
    f,
  ) => [...literal8000(f), ...servesWithoutPort(f), ...serversWithoutPort(f)]);
}

Deno.test("no test binds port 8000: servers take port 0 or a free port", async () => {
  const files = (await sources("tests")).filter((f) =>
    f.path !== "tests/architecture/ports_test.ts"
  );
  assert.deepEqual(portViolations(files), []);
});

Deno.test("the port rule catches a planted server on port 8000", () => {
  const file = (text: string): Source => ({ path: "tests/x_test.ts", text });
  const planted = [
    'Deno.serve({ port: 8000 }, () => new Response("x"));',
    'spawnLoom(["serve", "--port", "8000"], { cwd });',
    'new Deno.Command(deno, { args: ["run", "-A", "main.ts", "serve", "--kv", kv] });',
    'loom(["web", "--kv", kv]);',
    'spawnLoom(["serve"], { cwd });',
    'Deno.serve((req) => new Response("x"));',
    'await startServer(backend, { host: "127.0.0.1" });',
  ];
  for (const text of planted) assert.equal(portViolations([file(text)]).length, 1, text);
  const allowed = [
    'Deno.serve({ hostname: "127.0.0.1", port: 0 }, () => new Response("x"));',
    'spawnLoom(["serve", "--port", "0", "--kv", kv], { cwd });',
    'loom(["web", "--port=0"]);',
    'loom(["help", "web"]);',
    'const url = "http://localhost:8000/x.ts"; // a module URL: not a server',
    "await startServer(backend, { port: 0 });",
    'const commands = ["serve", "worker", "web", "init", "start"];',
    "assert.equal(options.port, 8000); // the default: not a server",
  ];
  for (const text of allowed) assert.deepEqual(portViolations([file(text)]), [], text);
});
