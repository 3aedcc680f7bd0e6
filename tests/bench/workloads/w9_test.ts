import assert from "node:assert/strict";
import { w9, W9_PAGES } from "../../../bench/workloads/w9.ts";
import { WORKLOADS } from "../../../bench/workloads/mod.ts";
import { ROUTES } from "../../../web/dashboard/mod.ts";

Deno.test("W9 measures every dashboard route, with a p50 and a p99 each", () => {
  assert.equal(WORKLOADS.W9, w9);
  const measured = new Set(
    W9_PAGES.map(([, path]) =>
      path.split("?")[0]?.replace("{run}", ":id").replace("bench_dash", ":name")
    ),
  );
  for (const [route] of ROUTES) assert.ok(measured.has(route), `W9 does not render ${route}`);
  const keys = w9.metrics.map((m) => m.key);
  for (const [key] of W9_PAGES) {
    assert.ok(keys.includes(`${key}P50`) && keys.includes(`${key}P99`), key);
  }
});
