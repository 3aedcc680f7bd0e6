// deno-lint-ignore-file no-import-prefix -- reachable from main.ts, which is imported by URL
/**
 * Resolves the dashboard's Preact packages in the program's first module graph. Preact and
 * preact-render-to-string name each other as optional peers; when Deno 2.9 first meets them in a
 * module loaded by a dynamic `import()` (the CLI, which `main.ts` loads only when it runs as a
 * program), without a lock file that already lists them, it resolves them to a copy of Preact it
 * never installs ("Cannot find module …/preact/11.2.0_1/…"). `main.ts` imports this module
 * statically, so they resolve with the rest of the program's graph. It loads nothing else.
 *
 * @module
 */

import "npm:preact-render-to-string@6.8.2";
