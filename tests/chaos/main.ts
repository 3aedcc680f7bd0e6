/**
 * `deno task chaos [--only <name>[,<name>…]] [--size ci|full]`: runs the chaos scenarios
 * (`scenarios/mod.ts`) at full size and prints their counts; exits 1 when a count that must be
 * 0 is not.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type ChaosCounts, type ChaosSize, MUST_BE_ZERO } from "./_harness.ts";
import { SCENARIOS } from "./scenarios/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { only: { type: "string" }, size: { type: "string", default: "full" } },
});
const size = values.size as ChaosSize;
if (size !== "ci" && size !== "full") {
  console.error(`--size is "ci" or "full", not ${JSON.stringify(values.size)}`);
  Deno.exit(2);
}
const only = values.only?.split(",");
const chosen = SCENARIOS.filter((s) => only === undefined || only.includes(s.name));
if (chosen.length === 0) {
  console.error(`No scenario named ${values.only}: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  Deno.exit(2);
}
const columns: (keyof ChaosCounts)[] = [
  "runs",
  "kills",
  "lost",
  "completedTwice",
  "committedRerun",
  "unreadable",
];
let failed = false;
const rows: string[][] = [["scenario", ...columns, "seconds", "figures"]];
for (const s of chosen) {
  const dir = await Deno.makeTempDir({ prefix: `loom-chaos-${s.name}-` });
  const began = performance.now();
  console.error(`${s.name}: ${s.description} …`);
  try {
    const counts = await s.run(dir, size);
    if (MUST_BE_ZERO.some((k) => counts[k] !== 0)) failed = true;
    rows.push([
      s.name,
      ...columns.map((c) => String(counts[c])),
      ((performance.now() - began) / 1000).toFixed(1),
      Object.entries(counts.figures ?? {}).map(([k, v]) => `${k}=${v}`).join(" "),
    ]);
  } catch (e) {
    failed = true;
    rows.push([s.name, `failed: ${(e as Error).message.slice(0, 300)}`]);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
console.log(
  `\n${MUST_BE_ZERO.join(", ")} must be 0: ${failed ? "FAILED" : "ok"} (${size} size)`,
);
Deno.exit(failed ? 1 : 0);
