import assert from "node:assert/strict";
import { tempDir } from "../_helpers.ts";
import { MUST_BE_ZERO } from "./_harness.ts";
import { SCENARIOS } from "./scenarios/mod.ts";

for (const scenario of SCENARIOS) {
  Deno.test(`chaos: ${scenario.name}: ${scenario.description}; nothing lost, nothing twice, nothing unreadable`, async () => {
    await using dir = await tempDir();
    const counts = await scenario.run(dir.path, "ci");
    assert.ok(counts.runs > 0 && counts.kills > 0, `it ran and killed: ${JSON.stringify(counts)}`);
    for (const key of MUST_BE_ZERO) {
      assert.equal(counts[key], 0, `${key} in ${JSON.stringify(counts)}`);
    }
  });
}
