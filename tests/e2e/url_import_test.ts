/**
 * Loom imported by URL, as another project would: the repository is served over loopback HTTP,
 * and a script in another folder (with its own `deno.json`) imports `main.ts` by URL and runs a
 * workflow in this isolate and in Workers. Without the unstable flags, the error names them.
 */

import assert from "node:assert/strict";
import { cliEnv } from "../cli/_cli.ts";
import { tempDir } from "../_helpers.ts";
import { type FileServer, serveFiles } from "./_file_server.ts";

/** The workflows, in their own module (Workers import it), importing Loom by URL. */
function flowsModule(mainUrl: string): string {
  return `import { activity, defineWorkflow, SignalTimeoutError } from "${mainUrl}";

export const shout = activity({ name: "url_shout" }, (text: string) => text.toUpperCase());

export const UrlFlow = defineWorkflow<{ text: string }, { loud: string; timedOut: boolean }>({
  name: "url_flow",
  steps: [
    async function loud(ctx) {
      await ctx.state.set("loud", await ctx.activity(shout, ctx.input.text));
    },
    async function wait(ctx) {
      try {
        await ctx.waitForSignal("never", { timeout: "10ms" });
      } catch (e) {
        await ctx.state.set("timedOut", e instanceof SignalTimeoutError);
      }
    },
  ],
});
`;
}

/** The program: an engine on a temp KV file with `workers` from its argument. */
function runModule(mainUrl: string): string {
  return `import { createEngine } from "${mainUrl}";
import { UrlFlow } from "./flows.ts";

const workers = Number(Deno.args[0]);
await using engine = await createEngine({
  kvPath: Deno.args[1],
  workers,
  modules: [new URL("./flows.ts", import.meta.url)],
});
const handle = await engine.start(UrlFlow, { text: "loom by url" });
console.log(JSON.stringify({ workers, result: await handle.result() }));
`;
}

async function project(files: FileServer, dir: string, unstable?: string[]): Promise<void> {
  const main = `${files.url}main.ts`;
  await Deno.writeTextFile(`${dir}/flows.ts`, flowsModule(main));
  await Deno.writeTextFile(`${dir}/run.ts`, runModule(main));
  // The importing project's own config (which shadows any deno.json further up).
  await Deno.writeTextFile(
    `${dir}/deno.json`,
    JSON.stringify(unstable === undefined ? {} : { unstable }),
  );
}

async function run(dir: string, flags: string[], workers: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-lock",
      ...flags,
      "run.ts",
      String(workers),
      `${dir}/loom-${workers}.kv`,
    ],
    cwd: dir,
    env: cliEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

const FLAGS = ["--unstable-kv", "--unstable-worker-options"];
const RESULT = { loud: "LOOM BY URL", timedOut: true };

Deno.test("a script in another folder imports main.ts by URL and runs a workflow in this isolate and in 2 Workers", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  await project(files, dir.path);
  for (const workers of [0, 2]) {
    const out = await run(dir.path, FLAGS, workers);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout.trim().split("\n").at(-1) as string), {
      workers,
      result: RESULT,
    });
  }
  assert.ok(files.requests.includes("/main.ts"));
  assert.ok(files.requests.includes("/engine/runtime/worker_pool/worker_entry.ts"), "Workers");
});

Deno.test("the importing project's deno.json may enable the unstable features instead of flags", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  await project(files, dir.path, ["kv", "worker-options"]);
  const out = await run(dir.path, [], 2);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout.trim().split("\n").at(-1) as string).result, RESULT);
});

Deno.test("without --unstable-kv or --unstable-worker-options the error names the flag and the deno.json entry", async () => {
  await using files = serveFiles();
  await using dir = await tempDir();
  await project(files, dir.path);
  const noKv = await run(dir.path, [], 0);
  assert.equal(noKv.code, 1);
  assert.match(noKv.stderr, /MissingUnstableFeatureError: Loom needs Deno KV/);
  assert.match(
    noKv.stderr,
    /run deno with --unstable-kv, or add "unstable": \["kv", "worker-options"\] to the deno\.json/,
  );
  assert.doesNotMatch(noKv.stderr, /openKv is not a function/);
  const noWorkers = await run(dir.path, ["--unstable-kv"], 2);
  assert.equal(noWorkers.code, 1, noWorkers.stderr);
  assert.match(
    noWorkers.stderr,
    /MissingUnstableFeatureError: Loom's Workers need Deno's Worker permissions/,
  );
  assert.match(
    noWorkers.stderr,
    /run deno with --unstable-worker-options, or add "unstable": \["kv", "worker-options"\]/,
  );
  assert.doesNotMatch(
    noWorkers.stderr,
    /Unstable API 'Worker\.deno\.permissions'/,
    "Loom's message, before Deno's exit",
  );
});
