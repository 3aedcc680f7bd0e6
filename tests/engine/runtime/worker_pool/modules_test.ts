import assert from "node:assert/strict";
import { createEngine, ModuleLoadError } from "../../../../engine/mod.ts";
import { tempDir } from "../../../_helpers.ts";

const BROKEN = new URL("../../../fixtures/broken_module.ts", import.meta.url).href;
const ENV = new URL("../../../fixtures/env_module.ts", import.meta.url).href;

Deno.test("a module that fails to import fails engine creation, naming the module", async () => {
  await using dir = await tempDir();
  for (const workers of [0, 1]) {
    await assert.rejects(
      createEngine({ kvPath: `${dir.path}/loom.kv`, workers, modules: [BROKEN] }),
      (e: unknown) => {
        assert.ok(e instanceof ModuleLoadError);
        assert.equal(e.code, "MODULE_LOAD_FAILED");
        assert.equal(e.module, BROKEN);
        assert.equal(e.message, `Cannot load module "${BROKEN}": this module is broken on purpose`);
        return true;
      },
    );
  }
  const kv = await Deno.openKv(`${dir.path}/loom.kv`);
  try {
    assert.equal((await kv.get(["owner", 0])).value, null, "no lease was taken");
  } finally {
    kv.close();
  }
});

Deno.test("a module that imports here but not in the sandbox fails engine creation, saying why", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    createEngine({ kvPath: `${dir.path}/loom.kv`, workers: 2, modules: [ENV] }),
    (e: unknown) => {
      assert.ok(e instanceof ModuleLoadError);
      assert.equal(e.module, ENV);
      assert.ok(
        e.message.startsWith(`Cannot load module "${ENV}" in a workflow Worker: NotCapable: `),
        e.message,
      );
      assert.match(e.message, /Requires env access to "LOOM_TEST_REGION"/);
      assert.match(
        e.message,
        /workflow Workers are sandboxed: no net, env, write, run, ffi or sys/,
      );
      return true;
    },
  );
  const engine = await createEngine({ kvPath: `${dir.path}/loom.kv`, workers: 0, modules: [ENV] });
  await engine.close();
});
