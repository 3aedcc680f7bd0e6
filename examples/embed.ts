/**
 * The URL the bundled examples load from (what `serve` and `worker` pass as their module when
 * none is given, and what every Worker imports then), registered as a module of the program, so
 * that they load from a bundle too, where `examples/mod.ts` is no file. `main.ts` imports this
 * module; it does not import the examples.
 *
 * @module
 */

import { embedModule } from "../engine/mod.ts";

/** URL of the examples module, for `modules` and `--module`. */
export const EXAMPLES_URL: string = new URL("./mod.ts", import.meta.url).href;

embedModule(EXAMPLES_URL, () => import("./mod.ts"));
