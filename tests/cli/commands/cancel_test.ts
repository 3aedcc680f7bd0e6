import assert from "node:assert/strict";
import { WorkflowCancelledError } from "../../../engine/mod.ts";
import { tempDir } from "../../_helpers.ts";
import { loom } from "../_cli.ts";
import { seededEngine } from "../_data.ts";

Deno.test("loom cancel stops a running run with the reason given", async () => {
  await using dir = await tempDir();
  await using engine = await seededEngine(`${dir.path}/loom.kv`);
  const run = await loom(["cancel", "wait-1", "--reason", "not needed", "--kv", "loom.kv"], {
    cwd: dir.path,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Cancellation of workflow wait-1 requested; it is CANCELLED\n");
  await assert.rejects(engine.getHandle("wait-1").result(), (e: unknown) => {
    assert.ok(e instanceof WorkflowCancelledError);
    assert.equal(e.reason, "not needed");
    return true;
  });
  const done = await loom(["cancel", "seq-1", "--kv", "loom.kv"], { cwd: dir.path });
  assert.equal(done.code, 1);
  assert.match(done.stderr, /Cannot cancel workflow "seq-1": it is COMPLETED/);
});
