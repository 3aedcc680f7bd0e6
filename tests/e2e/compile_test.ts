/**
 * `deno task compile`, run as CI runs it: it builds the binary, or, where `denort` cannot be
 * downloaded, prints exactly one line naming it and exits 3 (then the binary's test is
 * ignored). When the binary exists it serves the API and completes a run of an example in
 * Workers.
 */

import assert from "node:assert/strict";
import { OFFLINE_EXIT_CODE, offlineLine, ROOT } from "../../build/compile.ts";
import { cliEnv, spawnProcess } from "../cli/_cli.ts";
import { tempDir } from "../_helpers.ts";

const out = await Deno.makeTempDir({ prefix: "loom-compile-" });
const binary = `${out}/loom`;
const task = await new Deno.Command(Deno.execPath(), {
  args: ["task", "--quiet", "compile", binary],
  cwd: ROOT,
  env: cliEnv({ NO_COLOR: "1" }),
  clearEnv: true,
  stdout: "piped",
  stderr: "piped",
}).output();
const stdout = new TextDecoder().decode(task.stdout);
const stderr = new TextDecoder().decode(task.stderr);
const offline = task.code === OFFLINE_EXIT_CODE;

Deno.test("deno task compile builds the binary, or prints one line naming denort and exits 3", async () => {
  try {
    if (offline) {
      assert.equal(stdout, `${offlineLine()}\n`, "exactly the one line");
      assert.match(stdout, /base runtime, denort, from https:\/\/dl\.deno\.land\//);
      assert.equal(stderr, "");
    } else {
      assert.equal(task.code, 0, stdout + stderr);
      assert.ok((await Deno.stat(binary)).size > 10_000_000, "a binary");
    }
  } finally {
    if (offline) await Deno.remove(out, { recursive: true });
  }
});

Deno.test({
  name: "the compiled binary serves the API and completes a run of an example in Workers",
  ignore: offline,
  async fn() {
    try {
      await using dir = await tempDir();
      const command = new Deno.Command(binary, {
        args: ["serve", "--port", "0", "--workers", "1", "--kv", `${dir.path}/loom.kv`],
        cwd: dir.path,
        env: cliEnv({ NO_COLOR: "1" }),
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      });
      await using proc = spawnProcess(command, "the compiled loom serve");
      await proc.waitFor("API: ", 60_000);
      const base = (proc.stdout().match(/API: (http:\/\/\S+)\/api/) as RegExpMatchArray)[1];
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const docs = await fetch(`${base}/docs/assets/5.35.0/swagger-ui-bundle.js`);
      assert.equal(docs.status, 200, "the /docs assets are embedded");
      await docs.body?.cancel();
      await proc.waitFor("result of order:", 60_000);
      assert.equal(await proc.stop("SIGINT"), 0, proc.stderr());
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
