import assert from "node:assert/strict";
import { engineBackend, startServer } from "../../../web/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("loom schedule create, list, trigger, pause, resume, delete through the KV file", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  const cli = (...args: string[]) => loom([...args, "--kv", "loom.kv"], { cwd: dir.path });
  const created = await cli(
    "schedule",
    "create",
    "nightly",
    "--cron",
    "0 2 * * *",
    "--workflow",
    "t_seq",
    "--input",
    '{"n":3}',
    "--timezone",
    "Europe/Berlin",
    "--overlap",
    "buffer_one",
    "--catchup",
    "all",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(
    created.stdout,
    /^Created schedule nightly: t_seq at "0 2 \* \* \*" \(Europe\/Berlin\); next fire \d{4}-/,
  );
  const s = await engine.schedules.get("nightly");
  assert.deepEqual([s.overlap, s.catchup, s.timezone, s.input], [
    "buffer_one",
    "all",
    "Europe/Berlin",
    { n: 3 },
  ]);
  const list = await cli("schedule", "list", "--json");
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout).schedules;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].id, "nightly");
  assert.equal(listed[0].workflow, "t_seq");
  assert.equal(listed[0].nextFireAt, new Date(s.nextFireAt!).toISOString());
  const table = await cli("schedule", "list");
  assert.match(table.stdout, /ID\s+Workflow\s+Cron\s+Next fire\s+Last fire\s+Fires\s+Skipped/);
  assert.match(table.stdout, /nightly\s+t_seq\s+0 2 \* \* \* \(Europe\/Berlin\)/);
  const trigger = await cli("schedule", "trigger", "nightly", "--json");
  assert.equal(trigger.code, 0, trigger.stderr);
  const { workflowId } = JSON.parse(trigger.stdout);
  assert.match(workflowId, /^nightly@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(await engine.getHandle(workflowId).result(), { total: 3 });
  const paused = await cli("schedule", "pause", "nightly");
  assert.equal(paused.stdout, "Paused schedule nightly\n");
  assert.equal((await engine.schedules.get("nightly")).paused, true);
  const resumed = await cli("schedule", "resume", "nightly", "--json");
  assert.equal(JSON.parse(resumed.stdout).paused, false);
  const deleted = await cli("schedule", "delete", "nightly");
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual(await engine.schedules.list(), []);
  const gone = await cli("schedule", "pause", "nightly");
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /Schedule "nightly" not found/);
});

Deno.test("loom schedule refuses bad input with exit code 2, naming the problem, and stores nothing", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  await engine.schedules.create({ id: "taken", cron: "0 * * * *", workflow: "t_seq" });
  const cli = (...args: string[]) => loom([...args, "--kv", "loom.kv"], { cwd: dir.path });
  const create = (id: string, ...rest: string[]) =>
    cli("schedule", "create", id, "--workflow", "t_seq", ...rest);
  const cases: [Promise<{ code: number; stderr: string }>, RegExp][] = [
    [create("a", "--cron", "0 0 * * 7-9"), /the day-of-week field "7-9" is not valid/],
    [create("a", "--cron", "* * *"), /it has 3 fields, five are needed/],
    [cli("schedule", "create", "a", "--cron", "* * * * *", "--workflow", "t_nope"), /"t_nope"/],
    [create("taken", "--cron", "* * * * *"), /Schedule "taken" already exists/],
    [create("a", "--cron", "* * * * *", "--timezone", "Mars/Base"), /Invalid timezone/],
    [create("a", "--cron", "* * * * *", "--overlap", "queue"), /--overlap: expected one of/],
    [create("a", "--cron", "* * * * *", "--catchup", "most"), /--catchup: expected one of/],
    [create("a", "--cron", "* * * * *", "--input", "{nope"), /Invalid JSON in --input/],
    [create("a"), /Missing option --cron EXPR/],
    [cli("schedule", "create"), /Missing argument <id>/],
    [
      cli("schedule", "pause", "taken", "--cron", "* * * * *"),
      /--cron is for "loom schedule create" only/,
    ],
    [cli("schedule", "list", "extra"), /Unexpected argument "extra"/],
    [cli("schedule", "stop", "taken"), /Unknown action "stop"/],
    [cli("schedule"), /Missing argument <action>/],
  ];
  for (const [run, message] of cases) {
    const r = await run;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.deepEqual((await engine.schedules.list()).map((s) => s.id), ["taken"]);
});

Deno.test("loom schedule goes through the server with --url", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  await using server = await startServer(engineBackend(engine), { port: 0 });
  const cli = (...args: string[]) =>
    loom([...args, "--kv", "other.kv", "--url", server.url], { cwd: dir.path });
  const created = await cli(
    "schedule",
    "create",
    "h",
    "--cron",
    "*/5 * * * *",
    "--workflow",
    "t_seq",
    "--json",
  );
  assert.equal(created.code, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).cron, "*/5 * * * *");
  assert.equal((await engine.schedules.get("h")).cron, "*/5 * * * *");
  const bad = await cli("schedule", "create", "x", "--cron", "0 0 31 2 *", "--workflow", "t_seq");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /it never fires/);
  const trigger = await cli("schedule", "trigger", "h");
  assert.match(trigger.stdout, /^Triggered schedule h: started workflow h@/);
  const deleted = await cli("schedule", "delete", "h", "--json");
  assert.deepEqual(JSON.parse(deleted.stdout), { id: "h", deleted: true });
});
