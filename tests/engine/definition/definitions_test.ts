import assert from "node:assert/strict";
import {
  activity,
  compareVersions,
  defineWorkflow,
  DuplicateDefinitionError,
  InvalidDefinitionError,
  Registry,
  step,
  Workflow,
  workflow,
  type WorkflowContext,
  WorkflowDefinitionNotFoundError,
} from "../../../engine/mod.ts";
import { workflowDefinitionOf } from "../../../engine/definition/workflow.ts";

Deno.test("activity() applies the reference's defaults and stays callable", async () => {
  const registry = new Registry();
  const echo = activity({ registry }, function echoText(s: string) {
    return s;
  });
  assert.equal(await echo("x"), "x");
  const def = registry.getActivity("echoText");
  assert.equal(def?.retryCount, 0);
  assert.equal(def?.timeoutSeconds, 60);
  assert.equal(def?.description, "");
  assert.match(def?.module ?? "", /definitions_test\.ts$/);
});

Deno.test("activity() refuses out-of-range options, naming the activity", () => {
  const registry = new Registry();
  const bad: [object, RegExp][] = [
    [{ name: "a", retryCount: -1 }, /retryCount must be a whole number from 0 to 100, got -1/],
    [{ name: "a", retryCount: 101 }, /got 101/],
    [{ name: "a", timeoutSeconds: 0 }, /timeoutSeconds must be more than 0/],
    [{ name: "a", retry: { backoffCoefficient: 0.5 } }, /backoffCoefficient/],
    [{}, /it needs a name/],
  ];
  for (const [options, why] of bad) {
    assert.throws(
      () => activity({ ...options, registry }, () => 1),
      (e: unknown) => e instanceof InvalidDefinitionError && why.test(e.message),
    );
  }
});

Deno.test("a different definition under a taken name is refused; the same one is accepted", () => {
  const registry = new Registry();
  assert.throws(
    () => defineWorkflow({ name: "dup", version: "1", registry, steps: [(() => () => {})()] }),
    /step 1 must be a named function/,
  );
  const one = defineWorkflow({ name: "dup", version: "1", registry, steps: [function a() {}] });
  defineWorkflow({ name: "dup", version: "1", registry, steps: [function a() {}] });
  assert.throws(
    () => defineWorkflow({ name: "dup", version: "1", registry, steps: [function b() {}] }),
    (e: unknown) =>
      e instanceof DuplicateDefinitionError &&
      e.message ===
        'Cannot register workflow "dup" version "1": a different definition is already registered under that name and version',
  );
  defineWorkflow({ name: "dup", version: "2", registry, steps: [function b() {}] });
  assert.equal(registry.getWorkflow("dup").version, "2");
  assert.equal(registry.getWorkflow("dup", "1").fingerprint, one.fingerprint);
  activity({ name: "same", registry }, () => 1);
  activity({ name: "same", registry }, () => 1);
  assert.throws(() => activity({ name: "same", registry }, () => 2), DuplicateDefinitionError);
});

Deno.test("workflow definitions need steps with distinct names", () => {
  const registry = new Registry();
  assert.throws(
    () => defineWorkflow({ name: "empty", registry, steps: [] }),
    /"empty": it must have at least one step/,
  );
  assert.throws(
    () => defineWorkflow({ name: "twice", registry, steps: [function a() {}, function a() {}] }),
    /duplicate step name "a"/,
  );
  assert.throws(() => registry.getWorkflow("nothing"), WorkflowDefinitionNotFoundError);
});

Deno.test("@workflow and @step register a class with its steps in declaration order", () => {
  const registry = new Registry();
  @workflow({ name: "decorated", version: "2.0.0", description: "d", registry })
  class Decorated extends Workflow<{ a: number }, { b: number }> {
    @step({ name: "one", description: "first" })
    async first(ctx: WorkflowContext<{ a: number }, { b: number }>) {
      await ctx.state.set("b", ctx.input.a);
    }
    @step()
    second() {}
  }
  const def = workflowDefinitionOf(Decorated);
  assert.equal(def, registry.getWorkflow("decorated"));
  assert.deepEqual(def?.steps.map((s) => [s.name, s.fn, s.description]), [
    ["one", "first", "first"],
    ["second", "second", ""],
  ]);
  assert.equal(def?.version, "2.0.0");
  assert.ok(def?.create() instanceof Decorated);
  assert.throws(() => {
    @workflow({ registry })
    class NoSteps extends Workflow {}
    return NoSteps;
  }, /"NoSteps": it must have at least one step/);
});

Deno.test("compareVersions() orders dotted numbers numerically", () => {
  assert.ok(compareVersions("1.10.0", "1.9.2") > 0);
  assert.ok(compareVersions("2", "10") < 0);
  assert.equal(compareVersions("1.0", "1.0.0"), 0);
  assert.ok(compareVersions("1.0.0-beta", "1.0.0-alpha") > 0);
});

Deno.test("defineWorkflow() and @workflow name the module that defined them", () => {
  const registry = new Registry();
  const defined = defineWorkflow({ name: "module_defined", registry, steps: [function one() {}] });
  assert.equal(defined.module, import.meta.url);
  @workflow({ name: "module_decorated", registry })
  class Decorated extends Workflow {
    @step()
    one(_ctx: WorkflowContext) {}
  }
  assert.equal(workflowDefinitionOf(Decorated)?.module, import.meta.url);
  assert.equal(registry.getWorkflow("module_decorated").module, import.meta.url);
});
