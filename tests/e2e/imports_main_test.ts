/**
 * A workflow module that imports `main.ts` (as the README's "A workflow" does), by a relative
 * path and by URL, run by the CLI from another copy of `main.ts`: `serve`, `worker` and `start`
 * load it and register its definitions (no deadlock), and every process stops on SIGINT and
 * SIGTERM within the shutdown grace period.
 */

import assert from "node:assert/strict";
import { connect } from "../../main.ts";
import { REPEAT_WINDOW_MS } from "../../cli/_stop.ts";
import { loom, type RunningLoom, spawnLoom } from "../cli/_cli.ts";
import { tempDir, until } from "../_helpers.ts";
import { serveFiles } from "./_file_server.ts";

const FIXTURE = new URL("../fixtures/imports_main.ts", import.meta.url);
const HANGING = new URL("../fixtures/hanging_module.ts", import.meta.url).pathname;
/** The engine's shutdown grace period (`shutdownGraceMs`), which bounds every stop. */
const GRACE_MS = 5000;
const EXPECTED = { greeting: "Hello, Ada (attempt 1)", timedOut: true };

/** Writes the fixture into `dir` with its import of `main.ts` rewritten to `mainUrl`. */
async function moduleImportingByUrl(dir: string, mainUrl: string): Promise<string> {
  const text = await Deno.readTextFile(FIXTURE);
  assert.ok(text.includes(`from "../../main.ts"`));
  const path = `${dir}/flows.ts`;
  await Deno.writeTextFile(path, text.replace(`from "../../main.ts"`, `from "${mainUrl}"`));
  return path;
}

/** Sends a signal and returns the exit code and the time the process took to exit. */
async function stopWith(proc: RunningLoom, signal: Deno.Signal) {
  const started = performance.now();
  const code = await proc.stop(signal);
  return { code, ms: performance.now() - started };
}

function apiUrl(proc: RunningLoom): string {
  const match = proc.stdout().match(/API: (http:\/\/127\.0\.0\.1:\d+)\/api/);
  assert.ok(match, proc.stdout());
  return match[1] as string;
}

Deno.test("serve --module with a module that imports main.ts by a relative path runs it in Workers; SIGINT exits 0 within the grace period", async () => {
  await using dir = await tempDir();
  await using proc = spawnLoom(
    [
      "serve",
      "--port",
      "0",
      "--kv",
      `${dir.path}/loom.kv`,
      "--workers",
      "1",
      "--module",
      FIXTURE.pathname,
    ],
    { cwd: dir.path, env: { NO_COLOR: "1" } },
  );
  await proc.waitFor("API: ", 60_000);
  const client = connect({ url: apiUrl(proc) });
  const handle = await client.start("ImportsMain", { name: "Ada" });
  assert.deepEqual(await handle.result(), EXPECTED);
  const { code, ms } = await stopWith(proc, "SIGINT");
  assert.equal(code, 0, proc.stdout() + proc.stderr());
  assert.ok(ms < GRACE_MS, `stopped in ${ms} ms`);
  assert.match(proc.stdout(), /Shutting down/);
});

Deno.test("worker and start --module with a module that imports main.ts by URL; SIGTERM exits 0 within the grace period", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  await moduleImportingByUrl(dir.path, `${files.url}main.ts`);
  const kv = `${dir.path}/loom.kv`;
  await using proc = spawnLoom(
    ["worker", "--kv", kv, "--workers", "1", "--module", "./flows.ts", "-p", "0.05"],
    { cwd: dir.path, env: { NO_COLOR: "1" } },
  );
  await proc.waitFor("Workflow worker owns", 60_000);
  const started = await loom(
    [
      "start",
      "ImportsMain",
      "--module",
      "./flows.ts",
      "--kv",
      kv,
      "--input",
      '{"name":"Ada"}',
      "--wait",
      "--json",
    ],
    { cwd: dir.path },
  );
  assert.equal(started.code, 0, started.stdout + started.stderr);
  assert.deepEqual(JSON.parse(started.stdout).result, EXPECTED);
  assert.ok(files.requests.includes("/main.ts"), "main.ts was imported over HTTP");
  const { code, ms } = await stopWith(proc, "SIGTERM");
  assert.equal(code, 0, proc.stdout() + proc.stderr());
  assert.ok(ms < GRACE_MS, `stopped in ${ms} ms`);
  assert.match(proc.stdout(), /Received SIGTERM[\s\S]*Worker shutdown complete/);
});

Deno.test("serve --module by URL in this isolate and worker --module by path; each stops on the other signal", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  await moduleImportingByUrl(dir.path, `${files.url}main.ts`);
  {
    await using serve = spawnLoom(
      [
        "serve",
        "--port",
        "0",
        "--kv",
        `${dir.path}/a.kv`,
        "--workers",
        "0",
        "--module",
        "./flows.ts",
      ],
      { cwd: dir.path, env: { NO_COLOR: "1" } },
    );
    await serve.waitFor("API: ", 60_000);
    const handle = await connect({ url: apiUrl(serve) }).start("ImportsMain", { name: "Ada" });
    assert.deepEqual(await handle.result(), EXPECTED);
    const { code, ms } = await stopWith(serve, "SIGTERM");
    assert.equal(code, 0, serve.stdout() + serve.stderr());
    assert.ok(ms < GRACE_MS, `serve stopped in ${ms} ms`);
  }
  const kv = `${dir.path}/b.kv`;
  await using worker = spawnLoom(
    ["worker", "--kv", kv, "--workers", "0", "--module", FIXTURE.pathname, "-p", "0.05"],
    { cwd: dir.path, env: { NO_COLOR: "1" } },
  );
  await worker.waitFor("Workflow worker owns", 60_000);
  const started = await loom(
    [
      "start",
      "ImportsMain",
      "--module",
      FIXTURE.pathname,
      "--kv",
      kv,
      "--input",
      '{"name":"Ada"}',
      "--wait",
      "--json",
    ],
    { cwd: dir.path },
  );
  assert.equal(started.code, 0, started.stdout + started.stderr);
  assert.deepEqual(JSON.parse(started.stdout).result, EXPECTED);
  const { code, ms } = await stopWith(worker, "SIGINT");
  assert.equal(code, 0, worker.stdout() + worker.stderr());
  assert.ok(ms < GRACE_MS, `worker stopped in ${ms} ms`);
});

Deno.test("a process stopped while its modules load exits at once with 128 + the signal's number", async () => {
  await using dir = await tempDir();
  for (const [signal, expected] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    await using proc = spawnLoom(
      ["worker", "--kv", `${dir.path}/${signal}.kv`, "--workers", "0", "--module", HANGING],
      { cwd: dir.path, env: { NO_COLOR: "1" } },
    );
    await proc.waitFor("Starting Loom workflow worker", 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const { code, ms } = await stopWith(proc, signal);
    assert.equal(code, expected, proc.stdout() + proc.stderr());
    assert.ok(ms < 2000, `stopped in ${ms} ms`);
    assert.match(proc.stdout(), new RegExp(`Stopped by ${signal} while starting`));
  }
});

Deno.test("a second signal during a graceful shutdown ends the process at once (130)", async () => {
  await using dir = await tempDir();
  await using proc = spawnLoom(
    [
      "serve",
      "--port",
      "0",
      "--kv",
      `${dir.path}/loom.kv`,
      "--workers",
      "0",
      "--module",
      FIXTURE.pathname,
    ],
    { cwd: dir.path, env: { NO_COLOR: "1" } },
  );
  await proc.waitFor("API: ", 60_000);
  const client = connect({ url: apiUrl(proc) });
  await client.start("ImportsMain", { name: "Ada", slowMs: 20_000 });
  // The second activity scheduled is the 20 s pause, which the graceful shutdown waits for.
  await until(
    () => (proc.stdout().match(/ACTIVITY_SCHEDULED/g) ?? []).length >= 2,
    "the pause to start",
  );
  proc.child.kill("SIGINT");
  await proc.waitFor("Shutting down");
  // A signal within REPEAT_WINDOW_MS of the first repeats it; a second stop comes after. The
  // window counts from when the process handled the first, which printed "Shutting down" then.
  await new Promise((r) => setTimeout(r, REPEAT_WINDOW_MS + 100));
  const { code, ms } = await stopWith(proc, "SIGINT");
  assert.equal(code, 130, proc.stdout() + proc.stderr());
  assert.ok(ms < 1500, `stopped in ${ms} ms`);
});
