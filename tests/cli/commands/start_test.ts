import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { tempDir } from "../../_helpers.ts";
import "../../fixtures/flows.ts";
import { FLOWS, loom } from "../_cli.ts";

async function owner(dir: string) {
  return await createEngine({ kvPath: `${dir}/loom.kv`, pollIntervalMs: 20, shutdownGraceMs: 200 });
}

Deno.test("loom start hands the run to the owner through the inbox", async () => {
  await using dir = await tempDir();
  await using engine = await owner(dir.path);
  const run = await loom(
    ["start", "t_seq", "--input", '{"n":3}', "--id", "s1", "--kv", "loom.kv"],
    {
      cwd: dir.path,
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Started workflow t_seq with id s1 (via inbox of loom.kv)\n");
  assert.deepEqual(await engine.getHandle("s1").result(), { total: 3 });
  const again = await loom(["start", "t_seq", "--input", '{"n":9}', "--id", "s1", "--json"], {
    cwd: dir.path,
    env: { LOOM_KV: "loom.kv" },
  });
  assert.deepEqual(JSON.parse(again.stdout), { workflowId: "s1", status: "COMPLETED" });
});

Deno.test("loom start --wait prints the result, and --json the documented shape", async () => {
  await using dir = await tempDir();
  await using _engine = await owner(dir.path);
  const plain = await loom(["start", "t_seq", "-i", '{"n":2}', "--wait", "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), { total: 2 });
  assert.match(plain.stderr, /Workflow \S+ completed/);
  const json = await loom(["start", "t_seq", "-i", '{"n":1}', "-w", "--json", "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  const out = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(out), ["workflowId", "status", "result"]);
  assert.equal(out.status, "COMPLETED");
  assert.deepEqual(out.result, { total: 1 });
});

Deno.test("loom start --wait exits 1 with the error when the run fails", async () => {
  await using dir = await tempDir();
  await using _engine = await owner(dir.path);
  const run = await loom(["start", "t_throw", "--input", "null", "--wait", "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Error: Workflow "t_throw" \(id "\S+"\) failed: bad thing/);
  const json = await loom([
    "start",
    "t_throw",
    "--input",
    "null",
    "-w",
    "--json",
    "--kv",
    "loom.kv",
  ], {
    cwd: dir.path,
  });
  assert.equal(json.code, 1);
  const out = JSON.parse(json.stdout);
  assert.equal(out.status, "FAILED");
  assert.equal(out.error.code, "WORKFLOW_EXECUTION_FAILED");
  assert.match(out.error.message, /bad thing/);
});

Deno.test("loom start reads the input from a file or from stdin", async () => {
  await using dir = await tempDir();
  await using engine = await owner(dir.path);
  await Deno.writeTextFile(`${dir.path}/in.json`, '{"n": 4}');
  const file = await loom([
    "start",
    "t_seq",
    "--input-file",
    "in.json",
    "--id",
    "f",
    "--kv",
    "loom.kv",
  ], {
    cwd: dir.path,
  });
  assert.equal(file.code, 0, file.stderr);
  assert.deepEqual(await engine.getHandle("f").result(), { total: 4 });
  const stdin = await loom(
    ["start", "t_seq", "--input-file", "-", "--id", "g", "--kv", "loom.kv"],
    {
      cwd: dir.path,
      stdin: '{\n  "n": 5\n}\n',
    },
  );
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.deepEqual(await engine.getHandle("g").result(), { total: 5 });
});

Deno.test("loom start reports the owner's refusal of an unknown workflow", async () => {
  await using dir = await tempDir();
  await using _engine = await owner(dir.path);
  const run = await loom(["start", "no_such_flow", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /Error: No workflow definition registered under the name "no_such_flow" \[DEFINITION_NOT_FOUND\]/,
  );
});

Deno.test("loom start --module checks the workflow before anything is sent", async () => {
  await using dir = await tempDir();
  const unknown = await loom(["start", "t_sek", "--module", FLOWS], { cwd: dir.path });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No workflow definition registered under the name "t_sek"/);
  const version = await loom(["start", "t_seq", "--version", "9", "--module", FLOWS], {
    cwd: dir.path,
  });
  assert.match(version.stderr, /under the name "t_seq" for version "9"/);
  const broken = await loom(["start", "t_seq", "--module", "missing.ts"], { cwd: dir.path });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /Cannot load module "missing\.ts": /);
});

Deno.test("without an owner, loom start queues the run, and --wait gives up after --timeout", async () => {
  await using dir = await tempDir();
  const none = await loom(["start", "t_seq"], { cwd: dir.path });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /No Loom database at "\.loom\/loom\.kv"/);
  assert.equal((await loom(["init"], { cwd: dir.path })).code, 0);
  const idle = await loom(["start", "t_seq", "--module", FLOWS, "--id", "q1"], { cwd: dir.path });
  assert.equal(idle.code, 0, idle.stderr);
  assert.match(idle.stderr, /queued: no process owns the KV file/);
  const waited = await loom(
    ["start", "t_seq", "--module", FLOWS, "--id", "q1", "--wait", "--timeout", "0.5"],
    { cwd: dir.path },
  );
  assert.equal(waited.code, 1);
  assert.match(waited.stderr, /did not end within 0.5 s/);
});
