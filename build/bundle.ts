/**
 * `deno task bundle`: writes `dist/loom.js`, Loom in one file. Copied alone into an empty folder
 * it runs the main job (`deno run -A --unstable-kv --unstable-worker-options loom.js serve`):
 * everything in `main.ts`'s module graph is inside, the examples, the `/docs` assets (text
 * imports are inlined) and the dashboard's assets included.
 *
 * `deno bundle` leaves `new Worker(new URL("./worker_entry.ts", import.meta.url))` pointing at
 * a file that is not there, so the bundle is its own Worker entry: a first line keeps its URL on
 * `globalThis[Symbol.for("loom.workerEntry")]`, where the Worker host looks first; inside a Loom
 * Worker the bundle starts the Worker's code and not the CLI.
 *
 * @module
 */

import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** Where `deno task bundle` writes the bundle. */
export const BUNDLE_PATH: string = `${ROOT}dist/loom.js`;

/** The line the bundle starts with: it names the bundle as the entry of Loom's Workers. */
export const WORKER_ENTRY_LINE =
  'globalThis[Symbol.for("loom.workerEntry")] ??= import.meta.url; // Loom\'s Workers start from this file\n';

/** Options of {@linkcode bundle}. */
export interface BundleOptions {
  /** Output file. @default dist/loom.js */
  output?: string;
  /**
   * Minify, keeping names (a workflow's name defaults to its class's). A Worker loads the whole
   * bundle, and minified it costs each Worker about 5 MiB instead of 17 MiB. @default true
   */
  minify?: boolean;
}

/** What {@linkcode bundle} wrote. */
export interface BundleResult {
  /** The file. */
  path: string;
  /** Its size, in bytes. */
  bytes: number;
}

/**
 * Bundles `main.ts` into one file with `deno bundle` (which fetches esbuild from npm) and makes
 * it its own Worker entry.
 *
 * @param options Output file, minification.
 * @returns The file and its size.
 * @throws {Error} With `deno bundle`'s output when it fails.
 */
export async function bundle(options: BundleOptions = {}): Promise<BundleResult> {
  const path = options.output ?? BUNDLE_PATH;
  await Deno.mkdir(dirname(path), { recursive: true });
  const raw = `${path}.raw.js`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "deno",
      ...(options.minify === false ? [] : ["--minify", "--keep-names"]),
      "-o",
      raw,
      "main.ts",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`deno bundle failed (exit code ${out.code}):\n${text}`);
  }
  const code = await Deno.readTextFile(raw);
  await Deno.remove(raw);
  await Deno.writeTextFile(path, WORKER_ENTRY_LINE + code);
  return { path, bytes: (await Deno.stat(path)).size };
}

if (import.meta.main) {
  const { path, bytes } = await bundle({ minify: !Deno.args.includes("--no-minify") });
  console.log(`${relative(Deno.cwd(), path)}: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
}
