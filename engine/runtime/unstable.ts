/**
 * The unstable Deno features Loom needs, checked before they are used, so that a program that
 * lacks one gets an error naming the flag and the `deno.json` entry instead of
 * `Deno.openKv is not a function`, or Deno's exit (code 70) at the first Worker. A module that
 * imports Loom by URL runs with the importing program's flags and `deno.json`, not Loom's.
 *
 * KV is certain: `Deno.openKv` exists only with the feature. Worker options have no such sign,
 * so they count as missing only when that is sure: on Linux, with read access, when neither the
 * process's command line (`/proc/self/cmdline`) nor any `deno.json`/`deno.jsonc` Deno may have
 * read (the `--config` file, or those in the folders of the main module and of the working
 * folder and their parents) names `worker-options`. Anything unsure counts as enabled.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MissingUnstableFeatureError } from "../errors.ts";

const ENABLE_BOTH = 'add "unstable": ["kv", "worker-options"] to the deno.json of the program';

/** What a program needs. */
export interface UnstableNeeds {
  /** Deno KV (to open a KV file). @default true */
  kv?: boolean;
  /** Web Workers with permissions (an engine with `workers` > 0). @default false */
  workers?: boolean;
}

/**
 * Throws when Deno KV (or, for Workers, Worker options) is not enabled.
 *
 * @param needs Whether KV and Workers are needed.
 * @throws {MissingUnstableFeatureError} Naming the flags and the `deno.json` entry to add.
 * @example
 * ```ts
 * import { requireUnstableFeatures } from "./unstable.ts";
 * requireUnstableFeatures({ workers: false }); // Loom's deno.json enables "kv"
 * ```
 */
export function requireUnstableFeatures(needs: UnstableNeeds = {}): void {
  if (needs.kv !== false && typeof (Deno as { openKv?: unknown }).openKv !== "function") {
    const flags = needs.workers ? "--unstable-kv --unstable-worker-options" : "--unstable-kv";
    throw new MissingUnstableFeatureError(
      "kv",
      `Loom needs Deno KV, an unstable feature that is not enabled: run deno with ${flags}, or ${ENABLE_BOTH} (a program that imports Loom by URL uses its own deno.json, not Loom's)`,
    );
  }
  if (needs.workers && workerOptionsMissing()) {
    throw new MissingUnstableFeatureError(
      "worker-options",
      `Loom's Workers need Deno's Worker permissions, an unstable feature that is not enabled: run deno with --unstable-worker-options, or ${ENABLE_BOTH}, or use workers: 0 (a program that imports Loom by URL uses its own deno.json, not Loom's)`,
    );
  }
}

function canRead(path: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

function readIfAllowed(path: string): string | undefined {
  if (!canRead(path)) return undefined;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function ancestors(dir: string): string[] {
  const out = [dir];
  for (let d = dirname(dir); d !== out.at(-1); d = dirname(d)) out.push(d);
  return out;
}

/** Whether a path can be read and exists; `undefined` when that cannot be known. */
function existsReadable(path: string): boolean | undefined {
  if (!canRead(path)) return undefined;
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The config files Deno may have read, found as Deno finds them: the nearest `deno.json` or
 * `deno.jsonc` above a folder, and above it any workspace root.
 */
function configsAbove(dir: string): string[] | undefined {
  const out: string[] = [];
  for (const d of ancestors(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(d, name);
      const found = existsReadable(path);
      if (found === undefined) return undefined;
      if (!found) continue;
      if (out.length === 0 || readIfAllowed(path)?.includes('"workspace"')) out.push(path);
    }
  }
  return out;
}

/** Config files Deno may have read: `--config`'s, or those above the main module and the cwd. */
function configCandidates(args: string[]): string[] | undefined {
  if (args.includes("--no-config")) return [];
  for (const [i, arg] of args.entries()) {
    if (arg === "--config" || arg === "-c") return args[i + 1] === undefined ? [] : [args[i + 1]!];
    if (arg.startsWith("--config=")) return [arg.slice("--config=".length)];
  }
  // `deno run FILE` reads the config above FILE; other subcommands (and remote modules), the cwd's.
  const local = Deno.mainModule.startsWith("file:");
  const dirs = local ? [dirname(fileURLToPath(Deno.mainModule))] : [];
  if (!local || args[1] !== "run") {
    try {
      dirs.push(Deno.cwd());
    } catch {
      return undefined;
    }
  }
  const out: string[] = [];
  for (const dir of dirs) {
    const found = configsAbove(dir);
    if (found === undefined) return undefined;
    out.push(...found);
  }
  return [...new Set(out)];
}

/**
 * Tells whether Worker options are surely not enabled (see the module doc).
 *
 * @returns `true` only when that is sure.
 */
export function workerOptionsMissing(): boolean {
  if (Deno.build.standalone || Deno.build.os !== "linux") return false;
  const cmdline = readIfAllowed("/proc/self/cmdline");
  if (cmdline === undefined) return false;
  const args = cmdline.split("\0").filter((a) => a !== "");
  if (args.some((a) => a === "--unstable-worker-options" || a === "--unstable")) return false;
  const candidates = configCandidates(args);
  if (candidates === undefined) return false;
  for (const path of candidates) {
    if (!canRead(path)) return false;
    if (readIfAllowed(path)?.includes("worker-options")) return false;
  }
  return true;
}
