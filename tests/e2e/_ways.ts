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

/**
 * How the README runs the Deno Deploy entry locally (`deno` and these): deploy_test runs it with
 * `--port 0` and a lockfile flag before the entry.
 */
export const DEPLOY_COMMAND: readonly string[] = [ // not a server: deploy_test adds --port 0
  "serve",
  "-A",
  "--host",
  "127.0.0.1",
  "web/deploy.ts",
];
