import assert from "node:assert/strict";
import { createEngine, defineWorkflow, InvalidDefinitionError } from "../../../../engine/mod.ts";
import { FLOWS_MODULE, tempDir } from "../../../_helpers.ts";
import "../../../fixtures/flows.ts";

// Registered only in this isolate (this test file is not a module the Workers import).
defineWorkflow({
  name: "z_main_only",
  steps: [function nothing() {}],
});

const MISMATCH = new URL("../../../fixtures/mismatch_module.ts", import.meta.url).href;

// The two cases share one test: the first registers "w_mismatch" in this isolate for good.
Deno.test("Workers must register the same definitions as the main isolate", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  await assert.rejects(
    createEngine({ kvPath, workers: 1, modules: [FLOWS_MODULE] }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidDefinitionError);
      assert.match(
        e.message,
        /^Workflow "z_main_only" version "1\.0\.0" is registered in the main isolate but not in (workflow|activity) Worker 1: register it in a module named in "modules"/,
      );
      return true;
    },
  );
  await assert.rejects(
    createEngine({ kvPath, workers: 1, modules: [FLOWS_MODULE, MISMATCH] }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidDefinitionError);
      assert.match(
        e.message,
        /^Workflow "w_mismatch" version "1\.0\.0" is registered differently in the main isolate and in (workflow|activity) Worker 1: its code must not depend on where it runs$/,
      );
      return true;
    },
  );
});
