/**
 * `deno task bundle` makes one file that runs the main job alone: bundled, copied into an empty
 * folder and run there, it serves `/health`, `/docs` with its assets and `/`, and completes a
 * run of an example through the API in Workers; it also runs a `--module` that imports
 * `main.ts` by URL (another copy of Loom beside the bundle, in the main isolate and in Workers).
 */

import assert from "node:assert/strict";
import { bundle, WORKER_ENTRY_LINE } from "../../build/bundle.ts";
import { cliEnv, type RunningLoom, spawnProcess } from "../cli/_cli.ts";
import { tempDir } from "../_helpers.ts";
import { serveFiles } from "./_file_server.ts";
import { BUNDLE_COMMAND } from "./_ways.ts";

const FIXTURE = new URL("../fixtures/imports_main.ts", import.meta.url);

/** Runs the bundle as the README says (`deno run -A --unstable-kv … loom.js`) with `args`. */
function runBundle(dir: string, args: string[]): RunningLoom {
  const [run, ...flags] = BUNDLE_COMMAND;
  const command = new Deno.Command(Deno.execPath(), {
    args: [run as string, "--no-lock", ...flags, ...args],
    cwd: dir,
    env: cliEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
  return spawnProcess(command, `loom.js ${args.join(" ")}`);
}

function apiUrl(proc: RunningLoom): string {
  const match = proc.stdout().match(/API: (http:\/\/127\.0\.0\.1:\d+)\/api/);
  assert.ok(match, proc.stdout());
  return match[1] as string;
}

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

/** Checks that a page and every same-origin script and stylesheet it names are served. */
async function assertPageWithAssets(base: string, path: string): Promise<void> {
  const page = await get(`${base}${path}`);
  assert.equal(page.status, 200, `${path}: ${page.text.slice(0, 200)}`);
  if (!page.type.includes("html")) return;
  const assets = [...page.text.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] as string);
  for (const asset of assets) {
    const res = await get(`${base}${asset}`);
    assert.equal(res.status, 200, `${path} names ${asset}, which is not served`);
    assert.ok(res.text.length > 0, asset);
  }
}

async function runExample(base: string): Promise<unknown> {
  const started = await fetch(`${base}/api/workflows`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "OrderProcessing",
      workflow_id: "bundle-order",
      input: { orderId: "B-1", customerEmail: "b@example.com" },
    }),
  });
  assert.ok(started.ok, await started.clone().text());
  await started.body?.cancel();
  const result = await fetch(`${base}/api/workflows/bundle-order/result?wait=true`);
  assert.equal(result.status, 200);
  return await result.json();
}

Deno.test("the bundle, alone in an empty folder, runs the main job: /health, /docs, / and a run of an example in Workers", async () => {
  await using built = await tempDir();
  const { path, bytes } = await bundle({ output: `${built.path}/loom.js` });
  assert.ok(bytes > 500_000, `${bytes} bytes`);
  const text = await Deno.readTextFile(path);
  assert.ok(text.startsWith(WORKER_ENTRY_LINE), "the bundle is its own Worker entry");
  await using dir = await tempDir();
  await Deno.copyFile(path, `${dir.path}/loom.js`);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["loom.js"]);
  await using proc = runBundle(dir.path, ["serve", "--port", "0", "--workers", "2"]);
  await proc.waitFor("API: ", 60_000);
  assert.match(proc.stdout(), /\(2 workflow and 2 activity Workers\)/);
  const base = apiUrl(proc);
  const health = await get(`${base}/health`);
  assert.equal(health.status, 200);
  assert.match(health.text, /healthy/);
  await assertPageWithAssets(base, "/docs");
  assert.match((await get(`${base}/docs`)).text, /swagger-ui-bundle\.js/);
  await assertPageWithAssets(base, "/");
  const result = await runExample(base);
  assert.deepEqual(result, {
    workflow_id: "bundle-order",
    done: true,
    status: "COMPLETED",
    result: { paymentConfirmed: true, emailSent: true },
  });
  await proc.waitFor("result of order:", 30_000);
  assert.equal(await proc.stop("SIGINT"), 0, proc.stderr());
  assert.doesNotMatch(proc.stderr(), /error/i);
});

Deno.test("the bundle runs a --module that imports main.ts by URL, in Workers", async () => {
  await using files = serveFiles();
  await using built = await tempDir();
  const { path } = await bundle({ output: `${built.path}/loom.js` });
  await using dir = await tempDir();
  await Deno.copyFile(path, `${dir.path}/loom.js`);
  const flows = (await Deno.readTextFile(FIXTURE)).replace(
    `from "../../main.ts"`,
    `from "${files.url}main.ts"`,
  );
  await Deno.writeTextFile(`${dir.path}/flows.ts`, flows);
  await using proc = runBundle(dir.path, [
    "serve",
    "--port",
    "0",
    "--workers",
    "1",
    "--module",
    "./flows.ts",
  ]);
  await proc.waitFor("API: ", 60_000);
  const base = apiUrl(proc);
  const started = await fetch(`${base}/api/workflows`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "ImportsMain", workflow_id: "by-url", input: { name: "Ada" } }),
  });
  assert.ok(started.ok);
  await started.body?.cancel();
  const result = await (await fetch(`${base}/api/workflows/by-url/result?wait=true`)).json();
  assert.deepEqual(result.result, { greeting: "Hello, Ada (attempt 1)", timedOut: true });
  assert.equal(await proc.stop("SIGTERM"), 0, proc.stderr());
});
