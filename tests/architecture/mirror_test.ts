import assert from "node:assert/strict";
import { codeOf, type Source, sources } from "./_rules.ts";

const ROOT = new URL("../../", import.meta.url);

/**
 * The pure modules (no I/O, no clock): the replay core, the kernel, the transition builder and
 * the retry policy, the read models, and the store's pure encoders.
 */
const PURE_DIRS = ["engine/replay"];
const PURE_FILES = [
  "engine/views/graph.ts",
  "engine/views/outcome.ts",
  "engine/views/run_state.ts",
  "engine/views/runs.ts",
  "engine/views/redact.ts",
  "engine/errors.ts",
  "engine/json.ts",
  "engine/duration.ts",
  "engine/workflow_id.ts",
  "engine/partition_ranges.ts",
  "engine/runtime/transition.ts",
  "engine/runtime/retry_policy.ts",
  "engine/runtime/side_writes.ts",
  "engine/runtime/_semaphore.ts",
  "engine/runtime/schedules/cron.ts",
  "engine/runtime/schedules/info.ts",
  "engine/runtime/schedules/options.ts",
  "engine/runtime/schedules/plan.ts",
  "store/commit.ts",
  "store/blob_writes.ts",
  "store/chunks.ts",
  "store/keys.ts",
  "store/damaged_data.ts",
];

/** A module with logic (functions or classes), not only types and constants. */
function hasLogic(text: string): boolean {
  return /^export\s+(async\s+)?(function|class|abstract\s+class)\b/m.test(codeOf(text));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(path, ROOT));
    return true;
  } catch {
    return false;
  }
}

/** `engine/replay/x.ts` → `tests/engine/replay/x_test.ts`. */
function mirrorOf(path: string): string {
  return `tests/${path.replace(/\.tsx?$/, "_test.ts")}`;
}

async function pureModules(): Promise<Source[]> {
  const out: Source[] = [];
  for (const dir of PURE_DIRS) out.push(...await sources(dir));
  for (const path of PURE_FILES) {
    out.push({ path, text: await Deno.readTextFile(new URL(path, ROOT)) });
  }
  return out.filter((f) => !f.path.endsWith("/mod.ts") && hasLogic(f.text));
}

Deno.test("every pure module with logic has a mirror test", async () => {
  const missing: string[] = [];
  for (const f of await pureModules()) {
    if (!await exists(mirrorOf(f.path))) missing.push(`${f.path}: no ${mirrorOf(f.path)}`);
  }
  assert.deepEqual(missing, []);
});

Deno.test("the mirror rule sees logic and finds the mirror's path", () => {
  assert.equal(hasLogic("export function f() {}"), true);
  assert.equal(hasLogic("export interface A {}\nexport const B = { x: 1 } as const;"), false);
  assert.equal(mirrorOf("engine/replay/events.ts"), "tests/engine/replay/events_test.ts");
});

Deno.test("the pure modules do no I/O: no Deno runtime API, clock, timer, network or KV", async () => {
  for (const f of await pureModules()) {
    const code = codeOf(f.text);
    assert.ok(!/Deno\.[a-z]/.test(code), `${f.path} uses a Deno runtime API`);
    for (const banned of ["Date.now(", "setTimeout(", "setInterval(", "fetch(", "Math.random("]) {
      assert.ok(!code.includes(banned), `${f.path} uses ${banned}`);
    }
  }
});
