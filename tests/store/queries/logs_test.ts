import assert from "node:assert/strict";
import { countLogs, queryLogs } from "../../../store/queries/mod.ts";
import { withHistory } from "./_history.ts";

Deno.test("queryLogs and countLogs filter by run, level and time", () =>
  withHistory(async (kv) => {
    const logs = await queryLogs(kv, {}, { limit: 10 });
    assert.deepEqual(logs.items.map((l) => l.message), ["second step done", "first step"]);
    const oldest = await queryLogs(kv, {}, { limit: 1, oldestFirst: true });
    assert.deepEqual(oldest.items.map((l) => l.message), ["first step"]);
    assert.equal(oldest.more, true);
    assert.equal(await countLogs(kv, { levels: ["WARNING"] }), 1);
    assert.equal(await countLogs(kv, { workflowId: "b" }), 0);
    assert.equal(await countLogs(kv, { since: Date.now() + 60_000 }), 0);
  }));
