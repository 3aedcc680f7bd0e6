import assert from "node:assert/strict";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("loom stats counts runs by status and names the owner", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["stats", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Database Statistics: loom\.kv\n/);
  assert.match(run.stdout, /\n {2}Total Workflows: +3\n/);
  assert.match(run.stdout, /\n {2}Running Workflows: +1\n/);
  assert.match(run.stdout, /\n {2}Completed Workflows: +1\n/);
  assert.match(run.stdout, /\n {2}Failed Workflows: +1\n/);
  assert.match(run.stdout, /\n {2}Owner: +1 process, 16 of 16 partitions held\n/);
  assert.match(run.stdout, /\nProcesses:\n +PID +Host +Since +Partitions\n/);
  assert.match(run.stdout, new RegExp(`\\n *${Deno.pid} +\\S+ +[\\d-]+ [\\d:]+ +0-15\\n`));
});

Deno.test("loom stats --json prints the documented shape", async () => {
  await using dir = await tempDir();
  const engine = await seededEngine(`${dir.path}/loom.kv`);
  const live = JSON.parse(
    (await loom(["stats", "--json", "--kv", "loom.kv"], { cwd: dir.path })).stdout,
  );
  await engine.close();
  assert.deepEqual(Object.keys(live), [
    "kvPath",
    "workflows",
    "tasks",
    "events",
    "logs",
    "timers",
    "inbox",
    "owner",
    "partitions",
    "processes",
    "fileBytes",
  ]);
  assert.deepEqual(live.workflows, { total: 3, running: 1, completed: 1, failed: 1, cancelled: 0 });
  assert.deepEqual(Object.keys(live.tasks), ["total", "pending", "running", "completed", "failed"]);
  assert.ok(live.tasks.total >= 5, "a task per run and per activity call");
  assert.ok(live.events > 10);
  assert.equal(live.owner.pid, Deno.pid);
  assert.equal(live.partitions, 16);
  assert.equal(live.processes.length, 1);
  assert.equal(live.processes[0].pid, Deno.pid);
  assert.equal(live.processes[0].partitions.length, 16);
  assert.ok(live.fileBytes > 0);
  const stopped = JSON.parse(
    (await loom(["stats", "--json", "--kv", "loom.kv"], { cwd: dir.path })).stdout,
  );
  assert.equal(stopped.owner, null, "the owner released the file");
  assert.equal(stopped.events, live.events);
});
