import assert from "node:assert/strict";
import { activity } from "../../../engine/definition/mod.ts";
import { activityDefinitionOf } from "../../../engine/replay/definitions.ts";

Deno.test("activityDefinitionOf() finds the definition behind an activity, and nothing else", () => {
  const fn = activity({ name: "defs_test_add" }, (n: number) => n + 1);
  assert.equal(activityDefinitionOf(fn)?.name, "defs_test_add");
  assert.equal(activityDefinitionOf(() => 1), undefined);
  assert.equal(activityDefinitionOf("defs_test_add"), undefined);
});
