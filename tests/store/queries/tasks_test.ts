import assert from "node:assert/strict";
import { listAllTasks } from "../../../store/queries/mod.ts";
import { withHistory } from "./_history.ts";

Deno.test("listAllTasks filters by run, status and kind", () =>
  withHistory(async (kv) => {
    const activities = await listAllTasks(kv, { kinds: ["ACTIVITY"] });
    assert.equal(activities.length, 4);
    assert.deepEqual(
      (await listAllTasks(kv, { workflowId: "b", kinds: ["STEP"] })).map((t) => t.status),
      ["COMPLETED"],
    );
    assert.equal((await listAllTasks(kv, { statuses: ["PENDING"] })).length, 0);
  }));
