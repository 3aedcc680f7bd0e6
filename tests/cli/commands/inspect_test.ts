import assert from "node:assert/strict";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("loom inspect shows a completed run with its result", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["inspect", "seq-1", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Workflow: t_seq\n/);
  assert.match(run.stdout, /\n {2}ID: +seq-1\n {2}Status: +COMPLETED\n/);
  assert.match(run.stdout, /\n {2}Duration: +\S+/);
  assert.match(run.stdout, /\nInput:\n {2}\{\n {4}"n": 2\n {2}\}\n/);
  assert.match(run.stdout, /\nResult:\n {2}\{\n {4}"total": 2\n {2}\}/);
  assert.doesNotMatch(run.stdout, /Events \(/, "events only with --events");
});

Deno.test("loom inspect --events lists the history with payloads", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["inspect", "seq-1", "--events", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout.slice(run.stdout.indexOf("Events ("));
  assert.match(events, /^Events \(\d+\):\n {2}1\. WORKFLOW_STARTED {2}\S+ \S+ {2}#1\n/);
  assert.match(events, /Payload: \{"input":\{"n":2\}/);
  assert.match(events, /\. WORKFLOW_COMPLETED /);
});

Deno.test("loom inspect shows the error of a failed run and the state of a running one", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const failed = await loom(["inspect", "throw-1", "--kv", "loom.kv"], { cwd: dir.path });
  assert.match(failed.stdout, /Status: +FAILED/);
  assert.match(failed.stdout, /Error: +.*bad thing/);
  const running = await loom(["inspect", "wait-1", "--kv", "loom.kv"], { cwd: dir.path });
  assert.match(running.stdout, /Status: +RUNNING/);
  assert.match(running.stdout, /\nState:\n {2}\{\}/);
});

Deno.test("loom inspect finds a run by an unambiguous start of its id", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["inspect", "thr", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /ID: +throw-1/);
  const missing = await loom(["inspect", "nope", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Error: Workflow "nope" not found \[WORKFLOW_NOT_FOUND\]/);
  const none = await loom(["inspect", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Missing argument <id> for "loom inspect"/);
});

Deno.test("loom inspect --json prints the documented shape", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["inspect", "seq-1", "--json", "--events", "--logs", "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(out), [
    "workflowId",
    "name",
    "version",
    "status",
    "createdAt",
    "updatedAt",
    "completedAt",
    "durationMs",
    "description",
    "module",
    "eventCount",
    "input",
    "state",
    "result",
    "error",
    "events",
    "logs",
  ]);
  assert.equal(out.status, "COMPLETED");
  assert.deepEqual(out.input, { n: 2 });
  assert.deepEqual(out.state, { total: 2 });
  assert.deepEqual(out.result, { total: 2 });
  assert.equal(out.error, null);
  assert.equal(out.events.length, out.eventCount);
  assert.deepEqual(Object.keys(out.events[0]), ["id", "type", "payload", "createdAt"]);
  assert.equal(out.events[0].type, "WORKFLOW_STARTED");
  assert.deepEqual(out.logs, []);
  const failed = JSON.parse(
    (await loom(["inspect", "throw-1", "--json", "--kv", "loom.kv"], { cwd: dir.path })).stdout,
  );
  assert.equal(failed.error.name, "TypeError");
  assert.equal(failed.events, undefined, "events only with --events");
});
