/**
 * Ctrl-C as a terminal sends it: to the whole process group of `deno task start`, so the server
 * gets it from the terminal and again from `deno task`, which forwards what it got (sometimes
 * twice). One press is one graceful stop, exit code 0.
 *
 * @module
 */

import assert from "node:assert/strict";
import { cliEnv, type RunningLoom, spawnLoom, spawnProcess } from "../cli/_cli.ts";
import { tempDir } from "../_helpers.ts";
import { REPO_ROOT } from "./_file_server.ts";

/** `setsid` (util-linux) starts a command as the leader of a new process group. */
const HAS_SETSID = (() => {
  try {
    return new Deno.Command("setsid", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

function shutdowns(proc: RunningLoom): number {
  return (proc.stdout().match(/Shutting down\.\.\./g) ?? []).length;
}

/** Waits for the exit without sending another signal. */
async function exitCode(proc: RunningLoom): Promise<number> {
  await proc.child.status;
  return await proc.stop();
}

Deno.test({
  name: "Ctrl-C on `deno task start` (SIGINT to its process group) is one graceful stop: exit 0",
  ignore: !HAS_SETSID,
  async fn() {
    await using dir = await tempDir();
    await using job = spawnProcess(
      new Deno.Command("setsid", {
        args: [
          Deno.execPath(),
          "task",
          "start",
          "--port",
          "0",
          "--workers",
          "1",
          "--kv",
          `${dir.path}/loom.kv`,
        ],
        cwd: REPO_ROOT,
        env: cliEnv({ NO_COLOR: "1" }),
        stdout: "piped",
        stderr: "piped",
      }),
      "setsid deno task start",
    );
    await job.waitFor("result of order:", 90_000);
    // setsid, not a group leader here, makes its own process the group's leader: pid = group.
    Deno.kill(-job.child.pid, "SIGINT");
    const code = await exitCode(job);
    assert.equal(code, 0, job.stdout() + job.stderr());
    assert.equal(shutdowns(job), 1, job.stdout());
  },
});

Deno.test("a SIGINT soon after the first repeats it: one graceful stop, exit 0", async () => {
  await using dir = await tempDir();
  await using proc = spawnLoom(
    ["serve", "--port", "0", "--kv", `${dir.path}/loom.kv`, "--workers", "0"],
    { cwd: dir.path, env: { NO_COLOR: "1" } },
  );
  await proc.waitFor("API: ", 60_000);
  proc.child.kill("SIGINT");
  // Once the first is handled (the kernel merges two signals still pending), and well within
  // the window: the process printed this when it handled the first.
  await proc.waitFor("Shutting down...");
  proc.child.kill("SIGINT");
  assert.equal(await exitCode(proc), 0, proc.stdout() + proc.stderr());
  assert.equal(shutdowns(proc), 1, proc.stdout());
});
