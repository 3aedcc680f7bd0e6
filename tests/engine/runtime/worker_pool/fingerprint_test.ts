import assert from "node:assert/strict";
import { activity, defineWorkflow, Registry } from "../../../../engine/mod.ts";
import { registryMismatch, summarizeRegistry } from "../../../../engine/runtime/worker_pool/mod.ts";

function registry(variant: "a" | "b", extra = false): Registry {
  const r = new Registry();
  const act = variant === "a"
    ? activity({ name: "fp_act", registry: r }, (n: number) => n + 1)
    : activity({ name: "fp_act", registry: r, retryCount: 2 }, (n: number) => n + 1);
  defineWorkflow({
    name: "fp_flow",
    version: "2.0.0",
    registry: r,
    steps: [async function run(ctx) {
      await ctx.activity(act, 1);
    }],
  });
  if (extra) defineWorkflow({ name: "fp_extra", registry: r, steps: [function x() {}] });
  return r;
}

Deno.test("registryMismatch() is silent for identical registrations", () => {
  assert.equal(
    registryMismatch(summarizeRegistry(registry("a")), summarizeRegistry(registry("a")), "W"),
    undefined,
  );
});

Deno.test("registryMismatch() names the definition that differs or is missing", () => {
  const main = summarizeRegistry(registry("a"));
  assert.equal(
    registryMismatch(main, summarizeRegistry(registry("b")), "activity Worker 2"),
    'Activity "fp_act" is registered differently in the main isolate and in activity Worker 2: its code must not depend on where it runs',
  );
  assert.match(
    registryMismatch(main, summarizeRegistry(registry("a", true)), "workflow Worker 1") ?? "",
    /^Workflow "fp_extra" version "1\.0\.0" is registered in workflow Worker 1 but not in the main isolate/,
  );
  assert.match(
    registryMismatch(summarizeRegistry(registry("a", true)), main, "workflow Worker 1") ?? "",
    /^Workflow "fp_extra" version "1\.0\.0" is registered in the main isolate but not in workflow Worker 1/,
  );
});
