import assert from "node:assert/strict";
import { parseStatus } from "../../../cli/commands/mod.ts";
import { UsageError } from "../../../cli/errors.ts";
import { memoryIo } from "../../../cli/io.ts";
import { runCli } from "../../../cli/mod.ts";
import { createEngine } from "../../../engine/mod.ts";
import { SeqFlow } from "../../fixtures/flows.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("parseStatus() takes any case and CANCELED for CANCELLED", () => {
  assert.equal(parseStatus("running"), "RUNNING");
  assert.equal(parseStatus("Completed"), "COMPLETED");
  assert.equal(parseStatus("canceled"), "CANCELLED");
  assert.equal(parseStatus("CANCELLED"), "CANCELLED");
  assert.throws(() => parseStatus("done"), UsageError);
});

Deno.test("loom list shows runs newest first as a table while the owner runs", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["list", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "Workflows");
  assert.match(lines[1] as string, /^ID\s+Name\s+Version\s+Status\s+Created\s+Duration$/);
  assert.deepEqual(lines.slice(2, 5).map((l) => l.split(/\s+/).slice(0, 4)), [
    ["wait-1", "t_signal", "1.0.0", "RUNNING"],
    ["throw-1", "t_throw", "1.0.0", "FAILED"],
    ["seq-1", "t_seq", "1.0.0", "COMPLETED"],
  ]);
  const statusColumn = (lines[1] as string).indexOf("Status");
  for (const l of lines.slice(2, 5)) assert.match(l.slice(statusColumn), /^[A-Z]+ /, "aligned");
  assert.equal(lines[5], "3 runs");
});

Deno.test("loom list --json prints the documented shape and pages with --cursor", async () => {
  await using dir = await tempDir();
  await using _engine = await seededEngine(`${dir.path}/loom.kv`);
  const first = await loom(["list", "--kv", "loom.kv", "--json", "-l", "2"], { cwd: dir.path });
  assert.equal(first.code, 0, first.stderr);
  const page = JSON.parse(first.stdout);
  assert.deepEqual(Object.keys(page), ["workflows", "cursor"]);
  assert.deepEqual(page.workflows.map((w: { workflowId: string }) => w.workflowId), [
    "wait-1",
    "throw-1",
  ]);
  const running = page.workflows[0];
  assert.deepEqual(Object.keys(running), [
    "workflowId",
    "name",
    "version",
    "status",
    "createdAt",
    "updatedAt",
    "completedAt",
    "durationMs",
  ]);
  assert.equal(running.completedAt, null);
  assert.equal(running.durationMs, null);
  assert.match(running.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(typeof page.cursor, "string");
  const second = await loom(["list", "--kv", "loom.kv", "--json", "--cursor", page.cursor], {
    cwd: dir.path,
  });
  const rest = JSON.parse(second.stdout);
  assert.deepEqual(rest.workflows.map((w: { workflowId: string }) => w.workflowId), ["seq-1"]);
  assert.equal(rest.workflows[0].status, "COMPLETED");
  assert.equal(typeof rest.workflows[0].durationMs, "number");
  assert.equal(rest.cursor, null);
});

Deno.test("loom list --status filters, in any case", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  await engine.getHandle("wait-1").cancel("test");
  const ids = async (...args: string[]) => {
    const run = await loom(["list", "--kv", "loom.kv", "--json", ...args], { cwd: dir.path });
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout).workflows.map((w: { workflowId: string }) => w.workflowId);
  };
  assert.deepEqual(await ids("-s", "failed"), ["throw-1"]);
  assert.deepEqual(await ids("--status", "CANCELED"), ["wait-1"], "the reference's spelling");
  assert.deepEqual(await ids("--name", "t_seq"), ["seq-1"]);
  const none = await loom(["list", "--kv", "loom.kv", "-s", "running"], { cwd: dir.path });
  assert.equal(none.stdout, "No workflows found\n");
});

Deno.test("loom list never cuts an id off a terminal; on a terminal it cuts unless --wide", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const id = `long-${"x".repeat(60)}`;
  {
    await using engine = await createEngine({ kvPath, shutdownGraceMs: 200 });
    await (await engine.start(SeqFlow, { n: 1 }, { workflowId: id })).result();
  }
  const piped = await loom(["list", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(piped.stdout.includes(`${id}  t_seq`), piped.stdout);
  const list = async (...args: string[]) => {
    const io = memoryIo({ outIsTerminal: true });
    assert.equal(await runCli(["list", "--kv", kvPath, ...args], io), 0, io.stderr.join(""));
    return io.stdout.join("\n");
  };
  const terminal = await list();
  assert.ok(!terminal.includes(id), "cut on a terminal");
  assert.match(terminal, new RegExp(`${id.slice(0, 39)}… +t_seq`));
  assert.ok((await list("--wide")).includes(`${id}  t_seq`), "--wide shows it whole");
});
