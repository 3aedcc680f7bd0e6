/**
 * `deno install`, as the README's "Ways to run" says, into a temp `DENO_INSTALL_ROOT`: the
 * installed `loom` command shows its help, and runs a worker (with Workers) and a
 * `loom start … --wait` against a temp KV file with `--module`.
 */

import assert from "node:assert/strict";
import { cliEnv, type CliRun, type RunningLoom, spawnProcess } from "../cli/_cli.ts";
import { tempDir } from "../_helpers.ts";
import { REPO_ROOT } from "./_file_server.ts";
import { readmeCommand } from "./_readme.ts";

const FIXTURE = new URL("../fixtures/imports_main.ts", import.meta.url).pathname;

function command(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Deno.Command(cmd, {
    args,
    cwd,
    env: cliEnv({ NO_COLOR: "1", ...env }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<CliRun> {
  const out = await command(cmd, args, cwd, env).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("the README's deno install line installs a working loom command", async () => {
  await using root = await tempDir();
  await using work = await tempDir();
  const line = await readmeCommand("Ways to run", /^deno install /);
  const [deno, ...args] = line.split(/\s+/);
  assert.equal(deno, "deno");
  assert.ok(args.includes("-g"), line);
  // From the clone, as the README says; DENO_INSTALL_ROOT keeps it out of ~/.deno.
  const env = { DENO_INSTALL_ROOT: root.path, PATH: `${root.path}/bin:${Deno.env.get("PATH")}` };
  const installed = await run(Deno.execPath(), args, REPO_ROOT, env);
  assert.equal(installed.code, 0, installed.stderr);
  const loom = `${root.path}/bin/loom`;
  const help = await run(loom, ["--help"], work.path, env);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: loom <command> \[options\]/);
  const kv = `${work.path}/loom.kv`;
  await using worker: RunningLoom = spawnProcess(
    command(
      loom,
      ["worker", "--kv", kv, "--workers", "1", "--module", FIXTURE, "-p", "0.05"],
      work.path,
      env,
    ),
    "the installed loom worker",
  );
  await worker.waitFor("Workflow worker owns", 60_000);
  const started = await run(
    loom,
    [
      "start",
      "ImportsMain",
      "--module",
      FIXTURE,
      "--kv",
      kv,
      "--input",
      '{"name":"Ada"}',
      "--wait",
      "--json",
    ],
    work.path,
    env,
  );
  assert.equal(started.code, 0, started.stderr);
  assert.deepEqual(JSON.parse(started.stdout).result, {
    greeting: "Hello, Ada (attempt 1)",
    timedOut: true,
  });
  assert.equal(await worker.stop("SIGTERM"), 0, worker.stderr());
});
