/**
 * The chaos scenarios, in the order they run. To add one: write `scenarios/<name>.ts` exporting
 * a `Scenario` (`_harness.ts`: a name, a sentence, and `run(dir, size)` returning the counts,
 * with `ci` small enough for `deno task test` and `full` for `deno task chaos`), and list it
 * here. `chaos_test.ts` then runs it at `ci` size and `main.ts` at `full` size; both fail when
 * a count in `MUST_BE_ZERO` is not 0.
 *
 * @module
 */

import type { Scenario } from "../_harness.ts";
import { crashPoints } from "./crash_points.ts";
import { hostile } from "./hostile.ts";
import { killLoop } from "./kill_loop.ts";
import { share } from "./share.ts";

/** Every scenario. */
export const SCENARIOS: readonly Scenario[] = [crashPoints, killLoop, share, hostile];
