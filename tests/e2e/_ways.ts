/**
 * Commands the README gives and the tests of the ways to run run one to one (the README test
 * checks that the README's lines are these).
 *
 * @module
 */

/** How the README runs the bundle (`deno` and these, then `serve`): bundle_test runs it. */
export const BUNDLE_COMMAND: readonly string[] = [
  "run",
  "-A",
  "--unstable-kv",
  "--unstable-worker-options",
  "loom.js",
];
