/**
 * The module that called a definition function (`activity()`, `defineWorkflow()`, `@workflow`),
 * read from the stack, so that a definition names the module that defined it.
 *
 * @module
 */

const FRAME = /\(?((?:file|https?|data|jsr|npm):[^\s)]+?)(?::\d+){2}\)?$/;

/**
 * Finds the first module on the stack that is not Loom's own definition code.
 *
 * @param own URLs of the modules to skip (the callers' own `import.meta.url`).
 * @returns The module's URL; in a bundle, where every frame is the bundle, the bundle's URL;
 * `""` when the stack names no module.
 */
export function callerModule(...own: string[]): string {
  const skip = new Set([import.meta.url, ...own]);
  let first = "";
  for (const line of (new Error().stack ?? "").split("\n").slice(1)) {
    const url = line.match(FRAME)?.[1];
    if (url === undefined) continue;
    if (!skip.has(url)) return url;
    first ||= url;
  }
  return first;
}
