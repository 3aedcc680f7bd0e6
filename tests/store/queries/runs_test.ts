import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { findRunIds, getRun, getRuns, listRunPage } from "../../../store/queries/mod.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { withRuns } from "./_runs.ts";

Deno.test("findRunIds() finds runs by the start of their id", async () => {
  using kv = await Deno.openKv(":memory:");
  await using engine = await createEngine({ kv });
  for (const id of ["order-1", "order-2", "other", "ord"]) {
    await engine.start(SignalFlow, {}, { workflowId: id });
  }
  assert.deepEqual(await findRunIds(kv, "order-"), ["order-1", "order-2"]);
  assert.deepEqual(await findRunIds(kv, "ord"), ["ord", "order-1", "order-2"]);
  assert.deepEqual(await findRunIds(kv, "ord", 1), ["ord"]);
  assert.deepEqual(await findRunIds(kv, "x"), []);
});

Deno.test("listRunPage() accepts the largest page size, 1000", () =>
  withRuns(async (kv) => {
    const page = await listRunPage(kv, { limit: 1000 });
    assert.equal(page.items.length, 6);
  }));

Deno.test("getRun() and getRuns() read records by id, in order, undefined where missing", () =>
  withRuns(async (kv) => {
    assert.equal((await getRun(kv, "b1"))?.name, "billing");
    assert.equal(await getRun(kv, "zz"), undefined);
    const ids = ["c2", "zz", "a1", ...Array.from({ length: 12 }, (_, i) => `x${i}`), "b2"];
    const records = await getRuns(kv, ids);
    assert.deepEqual(
      records.map((r) => r?.id),
      ids.map((id) => id.startsWith("x") || id === "zz" ? undefined : id),
    );
  }));
