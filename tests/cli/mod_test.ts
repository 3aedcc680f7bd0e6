import assert from "node:assert/strict";
import { VERSION } from "../../cli/mod.ts";
import { tempDir } from "../_helpers.ts";
import { loom } from "./_cli.ts";

Deno.test("loom --version prints the version of deno.json", async () => {
  await using dir = await tempDir();
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  const run = await loom(["--version"], { cwd: dir.path });
  assert.equal(run.code, 0);
  assert.equal(run.stdout, `loom, version ${VERSION}\n`);
});

Deno.test("loom --help lists every command; each command has --help", async () => {
  await using dir = await tempDir();
  const run = await loom(["--help"], { cwd: dir.path });
  assert.equal(run.code, 0);
  const commands = [
    "serve",
    "worker",
    "web",
    "init",
    "start",
    "signal",
    "cancel",
    "list",
    "inspect",
    "stats",
    "clean",
  ];
  for (const c of commands) assert.match(run.stdout, new RegExp(`^  ${c}\\s+\\S`, "m"));
  const help = await loom(["inspect", "--help"], { cwd: dir.path });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: loom inspect <id> \[options\]/);
  assert.match(help.stdout, /--events/);
  const web = await loom(["help", "web"], { cwd: dir.path });
  assert.match(web.stdout, /deno run --watch/, "web --help says how to reload");
});

Deno.test("loom without a command shows the help on stderr and exits 2", async () => {
  await using dir = await tempDir();
  const run = await loom([], { cwd: dir.path });
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^Usage: loom <command> \[options\]/);
});

Deno.test("an unknown command exits 2, names it and suggests the closest one", async () => {
  await using dir = await tempDir();
  const run = await loom(["lsit"], { cwd: dir.path });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Error: Unknown command "lsit": did you mean "list"\?/);
  assert.equal(run.stdout, "");
});

Deno.test("an unknown option exits 2 and names it", async () => {
  await using dir = await tempDir();
  const run = await loom(["list", "--colour"], { cwd: dir.path });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Unknown option "--colour" for "loom list"/);
  assert.match(run.stderr, /Run "loom list --help" for usage/);
});

Deno.test("bad JSON exits 2 and names the option", async () => {
  await using dir = await tempDir();
  const start = await loom(["start", "t_seq", "--input", "{n: 1}"], { cwd: dir.path });
  assert.equal(start.code, 2);
  assert.match(start.stderr, /Invalid JSON in --input: /);
  const signal = await loom(["signal", "id", "go", "--data", "[1,"], { cwd: dir.path });
  assert.equal(signal.code, 2);
  assert.match(signal.stderr, /Invalid JSON in --data: /);
  await Deno.writeTextFile(`${dir.path}/in.json`, "not json");
  const file = await loom(["start", "t_seq", "--input-file", "in.json"], { cwd: dir.path });
  assert.equal(file.code, 2);
  assert.match(file.stderr, /Invalid JSON in --input-file "in.json": /);
});

Deno.test("a bad value exits 2 and names the option and the value", async () => {
  await using dir = await tempDir();
  const run = await loom(["list", "--limit", "many"], { cwd: dir.path });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Invalid value "many" for --limit: expected an integer from 1 to 1000/);
  const both = await loom(["start", "x", "--input", "{}", "--input-file", "f"], { cwd: dir.path });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /Options --input and --input-file cannot be used together/);
});

Deno.test("colour follows FORCE_COLOR and NO_COLOR wins over it", async () => {
  await using dir = await tempDir();
  const forced = await loom(["lsit"], { cwd: dir.path, env: { FORCE_COLOR: "1" } });
  assert.ok(forced.stderr.includes("\x1b[31mError:\x1b[39m"), forced.stderr);
  const help = await loom(["--help"], { cwd: dir.path, env: { FORCE_COLOR: "1" } });
  assert.ok(help.stdout.includes("\x1b[1mUsage:"), help.stdout);
  const off = await loom(["lsit"], { cwd: dir.path, env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
  assert.ok(!off.stderr.includes("\x1b["), off.stderr);
  const piped = await loom(["--help"], { cwd: dir.path });
  assert.ok(!piped.stdout.includes("\x1b["), "no colour when stdout is not a terminal");
});

Deno.test("a read command on a folder without a KV file says how to make one", async () => {
  await using dir = await tempDir();
  const run = await loom(["list"], { cwd: dir.path });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /No Loom database at "\.loom\/loom\.kv": run "loom init"/);
  await assert.rejects(Deno.stat(`${dir.path}/.loom`), Deno.errors.NotFound, "nothing created");
});

Deno.test("loom init --partitions fixes a new file's partition count, and refuses to change it later (exit 2)", async () => {
  await using dir = await tempDir();
  const made = await loom(["init", "--partitions", "4"], { cwd: dir.path });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /initialized at \.loom\/loom\.kv \(schema version 3, 4 partitions\)/);
  const stats = await loom(["stats", "--json"], { cwd: dir.path });
  assert.equal(JSON.parse(stats.stdout).partitions, 4);
  const same = await loom(["init", "--partitions", "4"], { cwd: dir.path });
  assert.equal(same.code, 0, same.stderr);
  const other = await loom(["init", "--partitions", "8"], { cwd: dir.path });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /has 4 partitions, fixed when it was created: --partitions 8 cannot/);
  for (const bad of ["0", "65", "x"]) {
    const run = await loom(["init", "--partitions", bad], { cwd: dir.path });
    assert.equal(run.code, 2, bad);
    assert.match(
      run.stderr,
      new RegExp(`Invalid value "${bad}" for --partitions: expected an integer from 1 to 64`),
    );
  }
});

Deno.test("loom init creates the file once and LOOM_KV chooses it", async () => {
  await using dir = await tempDir();
  const first = await loom(["init"], { cwd: dir.path, env: { LOOM_KV: "data/x.kv" } });
  assert.equal(first.code, 0);
  assert.match(first.stdout, /Database initialized at data\/x\.kv/);
  assert.ok((await Deno.stat(`${dir.path}/data/x.kv`)).isFile);
  const again = await loom(["init", "--kv", "data/x.kv"], { cwd: dir.path });
  assert.equal(again.code, 0);
  assert.match(
    again.stdout,
    /Database already initialized at data\/x\.kv \(schema version 3, 16 partitions\)/,
  );
  const list = await loom(["list", "--json"], { cwd: dir.path, env: { LOOM_KV: "data/x.kv" } });
  assert.deepEqual(JSON.parse(list.stdout), { workflows: [], cursor: null });
});
