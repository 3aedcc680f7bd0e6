import assert from "node:assert/strict";
import { activity, InvalidDefinitionError, Registry } from "../../../../engine/mod.ts";
import { tempDir } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";
import { PermissionsFlow } from "../../../fixtures/worker_flows.ts";
import { poolEngine } from "./_pool.ts";

Deno.test("activities with narrower permissions run in their own Workers, which deny the rest", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/data.txt`;
  await Deno.writeTextFile(path, "data");
  await using loom = await poolEngine(`${dir.path}/loom.kv`);
  const stats = loom.pool.stats();
  assert.equal(stats.activityWorkers, 3, "one Worker by default, one per set of permissions");
  const state = await (await loom.engine.start(PermissionsFlow, { path })).result();
  assert.equal(state.read, "data");
  assert.match(state.write, /^NotCapable: Requires write access to ".*data\.txt"/);
  assert.match(state.env, /^NotCapable: Requires env access to "HOME"/);
  assert.match(state.noRead, /^NotCapable: Requires read access to ".*data\.txt"/);
  assert.equal(await Deno.readTextFile(path), "data", "nothing was written");
  const attempts = loom.pool.stats().attempts;
  assert.equal(attempts[0], 0, "the unrestricted Worker ran none of them");
  assert.deepEqual(attempts.slice(1).sort(), [2, 2]);
});

Deno.test("activity() refuses read or import permissions other than true or false", () => {
  const registry = new Registry();
  assert.throws(
    () =>
      activity(
        { name: "w_bad_read", registry, permissions: { read: ["/tmp"] } },
        () => 1,
      ),
    (e: unknown) =>
      e instanceof InvalidDefinitionError &&
      /^Invalid activity "w_bad_read": permissions\.read must be true or false, got \["\/tmp"\]/
        .test(e.message),
  );
  assert.throws(
    () => activity({ name: "w_bad", registry, permissions: "all" as never }, () => 1),
    /permissions must be "inherit", "none" or an object, got all/,
  );
});
