/**
 * The Deno Deploy entry under the Deno version Deno Deploy runs. The shared platform notes
 * (§3.4) say the docs name 2.5.0; npm's `deno` package has every 2.5 release, and this test runs
 * 2.5.6 (through `npx`, the one way to another Deno here). Measured with it (and the reason the
 * entry needs no version check): the entry type-checks, runs on the repository's `deno.lock`
 * unchanged (`--frozen`), and completes a run with timers; Deno before 2.3 cannot read that
 * lockfile (version 5) and stops before any of Loom's code runs, with Deno's own message
 * (`Unsupported lockfile version '5'`).
 */

import assert from "node:assert/strict";
import { connect } from "../../web/mod.ts";
import { FLOWS_MODULE, tempDir } from "../_helpers.ts";
import { getJson, serveDeploy } from "./_deploy_isolate.ts";

/** The Deno of Deno Deploy (docs: 2.5.0), as npm has it. */
const DEPLOY_DENO_VERSION = "2.5.6";

const ROOT = new URL("../../", import.meta.url).pathname;

/** 2.5 does not find the CA bundle that this machine's newer Deno finds by itself. */
function certEnv(): Record<string, string> {
  const file = Deno.env.get("DENO_CERT") ?? Deno.env.get("SSL_CERT_FILE");
  return file === undefined ? {} : { DENO_CERT: file };
}

async function output(cmd: string, args: string[], cwd: string) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { NO_COLOR: "1", ...certEnv() },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test(`the Deno Deploy entry type-checks and runs a workflow with timers under Deno ${DEPLOY_DENO_VERSION}`, async () => {
  await using dir = await tempDir();
  const found = await output(
    "npx",
    [
      "-y",
      `deno@${DEPLOY_DENO_VERSION}`,
      "eval",
      "console.log(Deno.version.deno, Deno.execPath())",
    ],
    dir.path,
  );
  assert.equal(found.code, 0, `npx deno@${DEPLOY_DENO_VERSION}: ${found.stderr}`);
  const [version, deno] = found.stdout.trim().split(" ");
  assert.equal(version, DEPLOY_DENO_VERSION);

  const check = await output(deno as string, ["check", "--no-lock", "web/deploy.ts"], ROOT);
  assert.equal(check.code, 0, `deno check under ${version}:\n${check.stderr}`);

  await using isolate = await serveDeploy({
    deno: deno as string,
    lock: "frozen",
    env: { LOOM_KV: `${dir.path}/loom.kv`, LOOM_MODULES: FLOWS_MODULE, ...certEnv() },
  });
  assert.equal((await getJson(`${isolate.url}/health/ready`)).body.role, "owner");
  const loom = connect({ url: isolate.url });
  const handle = await loom.start("t_sleep", { ms: 150 }, { workflowId: "on-2.5" });
  assert.equal(handle.created, true);
  const state = await handle.result();
  assert.ok((state.after as number) - (state.before as number) >= 300, "both sleeps waited");
  assert.match(isolate.log(), /this isolate owns .*loom\.kv now/);
});
