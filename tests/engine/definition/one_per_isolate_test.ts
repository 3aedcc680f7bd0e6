import assert from "node:assert/strict";
import { defaultRegistry, defineWorkflow } from "../../../engine/definition/mod.ts";
import {
  activityContext,
  runInActivityContext,
} from "../../../engine/definition/activity_context.ts";
import { defaultEngine, trackEngine } from "../../../engine/definition/default_engine.ts";
import type { WorkflowClient } from "../../../engine/client.ts";

// Second instances of the modules, as when a workflow module imports main.ts by URL while the
// engine runs from a path: each has its own module state, unless it keeps it per isolate.
async function secondCopy<T>(path: string): Promise<T> {
  return await import(`${path}?second-copy`) as T;
}

Deno.test("defaultRegistry is one per isolate: a definition made by another copy lands in it", async () => {
  const other = await secondCopy<typeof import("../../../engine/definition/mod.ts")>(
    "../../../engine/definition/mod.ts",
  );
  assert.equal(other.defaultRegistry, defaultRegistry);
  const registry = await secondCopy<typeof import("../../../engine/definition/registry.ts")>(
    "../../../engine/definition/registry.ts",
  );
  assert.notEqual(
    registry.Registry,
    (await import("../../../engine/definition/registry.ts")).Registry,
  );
  assert.equal(registry.defaultRegistry, defaultRegistry, 'kept under Symbol.for("loom.registry")');
  defineWorkflow({ name: "one_per_isolate_wf", steps: [function only() {}] });
  assert.equal(
    registry.defaultRegistry.getWorkflow("one_per_isolate_wf").name,
    "one_per_isolate_wf",
  );
});

Deno.test("the default engine and the activity context are shared by the copies of Loom", async () => {
  const engines = await secondCopy<typeof import("../../../engine/definition/default_engine.ts")>(
    "../../../engine/definition/default_engine.ts",
  );
  const client = { name: "a client" } as unknown as WorkflowClient;
  const forget = engines.trackEngine(client);
  try {
    assert.equal(defaultEngine(), client, "an engine tracked by one copy is found by another");
  } finally {
    forget();
  }
  const forgetHere = trackEngine(client);
  assert.equal(engines.defaultEngine(), client);
  forgetHere();
  const contexts = await secondCopy<
    typeof import("../../../engine/definition/activity_context.ts")
  >("../../../engine/definition/activity_context.ts");
  const ctx = {
    signal: new AbortController().signal,
    attempt: 2,
    workflowId: "w",
    activityId: "w:1",
    activityName: "a",
  };
  assert.equal(runInActivityContext(ctx, () => contexts.activityContext()), ctx);
  assert.equal(contexts.runInActivityContext(ctx, () => activityContext()), ctx);
});
