import assert from "node:assert/strict";
import { engineBackend, startServer } from "../../../web/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("loom signal delivers data to a waiting run through the inbox", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["signal", "wait-1", "go", "--data", '{"ok":true}', "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'Signal "go" sent to workflow wait-1\n');
  assert.deepEqual(await engine.getHandle("wait-1").result(), {
    received: [{ ok: true }],
    timedOut: false,
  });
  const late = await loom(["signal", "wait-1", "go", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(late.code, 1);
  assert.match(late.stderr, /Cannot signal "go" to workflow "wait-1": it is COMPLETED/);
  const unknown = await loom(["signal", "ghost", "go", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Workflow "ghost" not found/);
  const missing = await loom(["signal", "wait-1", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing argument <name> for "loom signal"/);
});

Deno.test("loom signal and cancel take a unique start of an id; an exact id wins; an ambiguous start exits 2 naming the runs", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  for (const id of ["pre-a", "pre-ab"]) await engine.start(SignalFlow, {}, { workflowId: id });
  const cli = (...args: string[]) => loom([...args, "--kv", "loom.kv"], { cwd: dir.path });

  const ambiguous = await cli("signal", "pre", "go");
  assert.equal(ambiguous.code, 2, ambiguous.stderr);
  assert.match(
    ambiguous.stderr,
    /Workflow id prefix "pre" matches several runs: "pre-a", "pre-ab": give more of the id/,
  );
  const exact = await cli("signal", "pre-a", "go", "--data", "1");
  assert.equal(exact.code, 0, exact.stderr);
  assert.equal(exact.stdout, 'Signal "go" sent to workflow pre-a\n', "the exact id, not pre-ab");
  assert.deepEqual(await engine.getHandle("pre-a").result(), { received: [1], timedOut: false });
  const unique = await cli("signal", "wai", "go", "--data", "2");
  assert.equal(unique.code, 0, unique.stderr);
  assert.deepEqual(await engine.getHandle("wait-1").result(), { received: [2], timedOut: false });

  assert.equal((await cli("cancel", "pre")).code, 2, "pre-a and pre-ab still both match");
  const cancelled = await cli("cancel", "pre-ab");
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(await engine.getHandle("pre-ab").status(), "CANCELLED");
});

Deno.test("loom signal and cancel resolve a start of an id through the server too", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  await using server = await startServer(engineBackend(engine), { port: 0 });
  for (const id of ["http-1", "http-2", "solo-run"]) {
    await engine.start(SignalFlow, {}, { workflowId: id });
  }
  const cli = (...args: string[]) => loom([...args, "--url", server.url], { cwd: dir.path });
  const ambiguous = await cli("cancel", "http");
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /"http-1", "http-2"/);
  const signal = await cli("signal", "http-2", "go", "--data", "3");
  assert.equal(signal.code, 0, signal.stderr);
  assert.deepEqual(await engine.getHandle("http-2").result(), { received: [3], timedOut: false });
  const cancel = await cli("cancel", "solo");
  assert.equal(cancel.code, 0, cancel.stderr);
  assert.match(cancel.stdout, /Cancellation of workflow solo-run requested/);
  assert.equal(await engine.getHandle("solo-run").status(), "CANCELLED");
});
