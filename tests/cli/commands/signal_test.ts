import assert from "node:assert/strict";
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
