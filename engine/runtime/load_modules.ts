/**
 * The one module loader: imports the modules that define workflows and activities (the
 * `modules` of `createEngine`, the `--module` of the CLI, and the same modules again inside every
 * Worker), so that their definitions register.
 *
 * One rule turns what the user wrote into an import specifier, the rule of Deno's own command
 * line: a string that starts with a URL scheme (a letter, then letters, digits, `+`, `-` or `.`,
 * at least two characters in all, then `:`) is a URL and is kept as it is (`file:`, `https:`,
 * `npm:`, `data:`…); anything else is a path, resolved against the working folder and turned into
 * an absolute `file:` URL. A Windows drive letter (`C:\flows\order.ts`) is one character, so it is
 * a path, and so is `flows/v1:2.ts`, whose colon comes after a `/`.
 *
 * A program may carry modules that are not files (the bundled examples in `dist/loom.js`): it
 * registers each under its URL with {@linkcode embedModule}, and loading that URL runs the
 * module's loader instead of importing the URL.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureError, ModuleLoadError } from "../errors.ts";

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const EMBEDDED = Symbol.for("loom.embeddedModules");

/** The modules of this isolate's program that are not files, by URL (one map per isolate). */
function embedded(): Map<string, () => Promise<unknown>> {
  const global = globalThis as Record<symbol, unknown>;
  return (global[EMBEDDED] ??= new Map()) as Map<string, () => Promise<unknown>>;
}

/**
 * Registers a module that is part of this program under a URL, so that loading the URL (in
 * `modules`, `--module`, and in every Worker that evaluates the same program) runs `load`
 * instead of importing the URL. A bundle, whose modules are not files any more, registers its
 * bundled workflow modules this way; where the URL is a file, `load` imports the same module.
 *
 * @param url The module's URL, as {@linkcode loadModules} is given it.
 * @param load Imports the module (a literal `import()`, which a bundler keeps in the bundle).
 * @example
 * ```ts
 * import { embedModule, loadModules } from "./load_modules.ts";
 *
 * let loaded = false;
 * embedModule("file:///virtual/flows.ts", () => Promise.resolve(loaded = true));
 * await loadModules(["file:///virtual/flows.ts"]);
 * console.assert(loaded);
 * ```
 */
export function embedModule(url: string, load: () => Promise<unknown>): void {
  embedded().set(url, load);
}

/** Options of {@linkcode loadModules} and {@linkcode moduleSpecifier}. */
export interface LoadModulesOptions {
  /** Folder that relative paths are resolved against. @default Deno.cwd() */
  cwd?: string;
}

/**
 * Turns a module path or URL into the absolute specifier that is imported.
 *
 * @param spec A path (relative to `cwd`, or absolute) or a URL.
 * @param options The folder relative paths start from.
 * @returns The URL as it is, or the path's absolute `file:` URL.
 * @example
 * ```ts
 * import { moduleSpecifier } from "./load_modules.ts";
 *
 * console.assert(moduleSpecifier("https://example.com/flows.ts") === "https://example.com/flows.ts");
 * console.assert(moduleSpecifier("flows.ts", { cwd: "/srv/app" }) === "file:///srv/app/flows.ts");
 * ```
 */
export function moduleSpecifier(spec: string | URL, options: LoadModulesOptions = {}): string {
  if (spec instanceof URL) return spec.href;
  if (URL_SCHEME.test(spec)) return spec;
  return pathToFileURL(resolve(options.cwd ?? Deno.cwd(), spec)).href;
}

/**
 * Imports modules one after the other, in order, stopping at the first that fails.
 *
 * @param specs Paths (relative to `cwd`, or absolute) or URLs; see the module doc for the rule.
 * @param options The folder relative paths start from.
 * @returns The specifiers imported (absolute URLs), in the same order.
 * @throws {ModuleLoadError} When a module cannot be imported: its `module` is the URL, its message
 * names the module as it was given and the cause (`Cannot load module "flows.ts": ...`), its
 * `cause` is the import error.
 * @example
 * ```ts
 * import { loadModules } from "./load_modules.ts";
 *
 * const [url] = await loadModules([new URL("./settle.ts", import.meta.url)]);
 * console.assert(url?.endsWith("/settle.ts"));
 * ```
 */
export async function loadModules(
  specs: readonly (string | URL)[],
  options: LoadModulesOptions = {},
): Promise<string[]> {
  const urls = specs.map((spec) => moduleSpecifier(spec, options));
  for (const [i, url] of urls.entries()) {
    try {
      const load = embedded().get(url);
      await (load === undefined ? import(url) : load());
    } catch (e) {
      const cause = ensureError(e);
      throw new ModuleLoadError(
        url,
        `Cannot load module "${String(specs[i])}": ${cause.message}`,
        { cause },
      );
    }
  }
  return urls;
}
