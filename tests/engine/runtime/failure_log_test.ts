import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { ThrowFlow } from "../../fixtures/flows.ts";

Deno.test("a failed run writes an ERROR log line naming its step and error, with the transition that fails it", async () => {
  await using engine = await createEngine({ kvPath: ":memory:" });
  const handle = await engine.start(ThrowFlow, null, { workflowId: "boom" });
  await handle.result().catch(() => {});
  const logs = await engine.reader.queryLogs({ workflowId: "boom" }, { limit: 10 });
  const errors = logs.items.filter((l) => l.level === "ERROR");
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.message, 'Workflow failed in step "explode": TypeError: bad thing');
  assert.equal(errors[0]?.step, "explode");
  const record = await engine.reader.run("boom");
  assert.equal(record?.status, "FAILED");
  // Same commit: the line carries the time of the transition that ended the run.
  assert.equal(errors[0]?.createdAt, record?.completedAt);
});
