import assert from "node:assert/strict";
import { confirm } from "../../../cli/commands/mod.ts";
import { memoryIo } from "../../../cli/io.ts";
import { createEngine } from "../../../engine/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

const KV = ["--kv", "loom.kv"];

async function seeded(dir: string): Promise<void> {
  await (await seededEngine(`${dir}/loom.kv`)).close();
}

async function ids(dir: string): Promise<string[]> {
  const run = await loom(["list", "--json", ...KV], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout).workflows.map((w: { workflowId: string }) => w.workflowId).sort();
}

async function files(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("loom clean and --restore are refused while an owner runs; --list-backups is not", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const clean = await loom(["clean", "--force", ...KV], { cwd: dir.path });
  assert.equal(clean.code, 1);
  assert.match(
    clean.stderr,
    new RegExp(
      `Cannot clean: KV file loom\\.kv is owned by a running Loom process \\(pid ${Deno.pid} on .*\\): stop it first`,
    ),
  );
  await Deno.copyFile(`${dir.path}/loom.kv`, `${dir.path}/copy.kv`);
  const restore = await loom(["clean", "--restore", "copy.kv", "--force", ...KV], {
    cwd: dir.path,
  });
  assert.equal(restore.code, 1);
  assert.match(
    restore.stderr,
    /Cannot restore: KV file loom\.kv is owned by a running Loom process/,
  );
  const list = await loom(["clean", "--list-backups", ...KV], { cwd: dir.path });
  assert.equal(list.code, 0);
  assert.equal(list.stdout, "No backups found for loom.kv\n");
  assert.deepEqual(await ids(dir.path), ["seq-1", "throw-1", "wait-1"], "nothing deleted");
});

Deno.test("loom clean asks first, and 'no' leaves everything as it was", async () => {
  await using dir = await tempDir();
  await seeded(dir.path);
  const run = await loom(["clean", ...KV], { cwd: dir.path, stdin: "no\n" });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^Database: loom\.kv\n {2}Size: .*\n {2}Workflows: +3\n/);
  assert.match(run.stdout, /WARNING: this permanently deletes:/);
  assert.match(run.stderr, /Are you sure you want to clean the database\? \(yes\/no\): no/);
  assert.match(run.stdout, /Clean cancelled\n$/);
  assert.deepEqual(await ids(dir.path), ["seq-1", "throw-1", "wait-1"]);
  assert.deepEqual(await files(dir.path), ["loom.kv"], "no backup for a cancelled clean");
});

Deno.test("loom clean backs the file up, empties it, and --restore brings it back", async () => {
  await using dir = await tempDir();
  await seeded(dir.path);
  const run = await loom(["clean", ...KV], { cwd: dir.path, stdin: "yes\n" });
  assert.equal(run.code, 0, run.stderr);
  const backup = /Backup saved to (loom\.kv\.backup_\d{8}_\d{6})\n/.exec(run.stdout)?.[1];
  assert.ok(backup, run.stdout);
  assert.match(run.stdout, /✓ Database cleaned successfully\n {2}New size: .*\n {2}Freed: /);
  assert.deepEqual(await ids(dir.path), []);
  const empty = await loom(["clean", "--force", ...KV], { cwd: dir.path });
  assert.match(empty.stdout, /Database is already empty/);

  const listed = await loom(["clean", "--list-backups", "--json", ...KV], { cwd: dir.path });
  const { backups } = JSON.parse(listed.stdout);
  assert.equal(backups.length, 1);
  assert.deepEqual(Object.keys(backups[0]), ["path", "kind", "bytes", "modifiedAt"]);
  assert.equal(backups[0].path, backup);
  assert.equal(backups[0].kind, "backup");
  assert.ok(backups[0].bytes > 0);
  const table = await loom(["clean", "--list-backups", ...KV], { cwd: dir.path });
  assert.match(
    table.stdout,
    new RegExp(
      `^Backups of loom\\.kv:\\nFile +Kind +Size +Modified\\n${
        backup.replaceAll(".", "\\.")
      } +backup +`,
    ),
  );

  const restore = await loom(["clean", "--restore", backup, "--force", ...KV], { cwd: dir.path });
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /^Database Restore\n {2}From: +loom\.kv\.backup_/);
  assert.match(restore.stdout, /Current database saved to loom\.kv\.pre_restore_\d{8}_\d{6}/);
  assert.match(restore.stdout, /✓ Database restored successfully/);
  assert.deepEqual(await ids(dir.path), ["seq-1", "throw-1", "wait-1"]);
  const inspect = JSON.parse(
    (await loom(["inspect", "seq-1", "--json", ...KV], { cwd: dir.path })).stdout,
  );
  assert.deepEqual(inspect.result, { total: 2 }, "values came back whole");
  const kinds = JSON.parse(
    (await loom(["clean", "--list-backups", "--json", ...KV], { cwd: dir.path })).stdout,
  ).backups.map((b: { kind: string }) => b.kind).sort();
  assert.deepEqual(kinds, ["backup", "pre_restore"]);
});

Deno.test("an owner starts on a cleaned file and the restored runs carry on", async () => {
  await using dir = await tempDir();
  await seeded(dir.path);
  assert.equal((await loom(["clean", "--force", ...KV], { cwd: dir.path })).code, 0);
  const backup = (await files(dir.path)).find((f) => f.startsWith("loom.kv.backup_")) as string;
  assert.equal(
    (await loom(["clean", "--restore", backup, "-f", ...KV], { cwd: dir.path })).code,
    0,
  );
  await using engine = await createEngine({ kvPath: `${dir.path}/loom.kv`, pollIntervalMs: 20 });
  await engine.getHandle("wait-1").signal("go", "after restore");
  assert.deepEqual(await engine.getHandle("wait-1").result(), {
    received: ["after restore"],
    timedOut: false,
  });
});

Deno.test("loom clean --no-backup makes no backup; a bad backup is refused without change", async () => {
  await using dir = await tempDir();
  await seeded(dir.path);
  await Deno.writeTextFile(`${dir.path}/notes.txt`, "not a database");
  const bad = await loom(["clean", "--restore", "notes.txt", "--force", ...KV], { cwd: dir.path });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /File "notes\.txt" is not a Loom KV file: /);
  assert.deepEqual(
    await files(dir.path),
    ["loom.kv", "notes.txt"],
    "no safety copy, no staging file",
  );
  assert.deepEqual(await ids(dir.path), ["seq-1", "throw-1", "wait-1"]);
  const missing = await loom(["clean", "--restore", "gone.kv", "-f", ...KV], { cwd: dir.path });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Backup file "gone\.kv" not found/);
  const run = await loom(["clean", "--force", "--no-backup", ...KV], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /Backup saved/);
  assert.deepEqual(await files(dir.path), ["loom.kv", "notes.txt"]);
  assert.deepEqual(await ids(dir.path), []);
  const both = await loom(["clean", "--list-backups", "--restore", "x", ...KV], { cwd: dir.path });
  assert.equal(both.code, 2);
});

Deno.test("confirm() accepts yes and y in any case, and nothing else", async () => {
  for (
    const [answer, expected] of [["yes", true], ["Y", true], [" yes ", true], ["no", false], [
      "",
      false,
    ], ["yess", false]] as const
  ) {
    const io = memoryIo({ input: [answer] });
    assert.equal(await confirm(io, "Sure?"), expected, `answer ${JSON.stringify(answer)}`);
    assert.equal(io.stderr[0], "Sure? (yes/no): ");
  }
  assert.equal(await confirm(memoryIo(), "Sure?"), false, "no answer at all");
});
