import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { engineBackend, startServer } from "../../../web/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import "../../fixtures/flows.ts";

Deno.test("start, signal and cancel go to the server named by --url (with its token)", async () => {
  await using dir = await tempDir();
  await using engine = await createEngine({ kvPath: ":memory:", shutdownGraceMs: 200 });
  await using server = await startServer(engineBackend(engine), { port: 0, token: "s3cret" });
  const cwd = dir.path;
  const url = ["--url", server.url];
  const refused = await loom(["start", "t_seq", "--input", '{"n":1}', ...url], { cwd });
  assert.notEqual(refused.code, 0, "no token: refused");
  const env = { LOOM_TOKEN: "s3cret" };
  const started = await loom(
    ["start", "t_signal", "--input", "{}", "--id", "remote-1", ...url],
    { cwd, env },
  );
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /remote-1/);
  const signalled = await loom(["signal", "remote-1", "go", "--data", '"hi"', ...url], {
    cwd,
    env,
  });
  assert.equal(signalled.code, 0, signalled.stderr);
  assert.deepEqual(await engine.getHandle("remote-1").result(), {
    received: ["hi"],
    timedOut: false,
  });
  await loom(["start", "t_signal", "--input", "{}", "--id", "remote-2", ...url], { cwd, env });
  const cancelled = await loom(["cancel", "remote-2", "--reason", "cli", ...url], { cwd, env });
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(await engine.getHandle("remote-2").status(), "CANCELLED");
});
