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

Deno.test("permissions beyond the process's are refused when the pool starts, naming the activity", async () => {
  await using dir = await tempDir();
  const module = `${dir.path}/needs_env.ts`;
  const script = `${dir.path}/escalate.ts`;
  const engineUrl = new URL("../../../../engine/mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    module,
    `import { activity } from "${engineUrl}";
export const needsEnv = activity({ name: "w_needs_env", permissions: { env: true } }, () => 1);
`,
  );
  await Deno.writeTextFile(
    script,
    `import { createEngine } from "${engineUrl}";
try {
  await createEngine({ kvPath: ":memory:", workers: 1, modules: ["${module}"] });
} catch (e) {
  console.log(e.name + ": " + e.message);
}
`,
  );
  const root = new URL("../../../../", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", `${root}deno.json`, "--allow-read", "--allow-write", script],
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.match(
    text,
    /InvalidArgumentError: Cannot start a Loom activity Worker for "w_needs_env": NotCapable: Can't escalate parent thread permissions \(a Worker's permissions cannot exceed the process's\)/,
  );
});
