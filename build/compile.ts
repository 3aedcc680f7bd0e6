/**
 * `deno task compile`: runs `deno compile` on `main.ts` into `dist/loom`, with what the binary
 * needs: `-A` and the unstable flags (`kv`, `worker-options`) baked in; the Worker entry, the
 * examples and the `/docs` and dashboard assets come with the module graph (`worker_host.ts`
 * imports the Worker entry, the assets are text imports or generated modules).
 *
 * `deno compile` downloads its base runtime, `denort`, from `dl.deno.land`. Where it cannot, the
 * task prints {@linkcode offlineLine} (one line) and exits with {@linkcode OFFLINE_EXIT_CODE}, so
 * that CI can tell "cannot compile here" from a failure.
 *
 * @module
 */

import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** Where `deno task compile` writes the binary. */
export const BINARY_PATH: string = `${ROOT}dist/loom`;

/** Exit code of the task when the base runtime cannot be downloaded. */
export const OFFLINE_EXIT_CODE = 3;

/** The flags the binary runs with. */
export const COMPILE_FLAGS: readonly string[] = [
  "-A",
  "--unstable-kv",
  "--unstable-worker-options",
];

/**
 * The URL `deno compile` downloads `denort` from, for this Deno and this machine.
 *
 * @returns The URL.
 */
export function denortUrl(): string {
  return `https://dl.deno.land/release/v${Deno.version.deno}/denort-${Deno.build.target}.zip`;
}

/**
 * The one line the task prints when `denort` cannot be downloaded.
 *
 * @returns The line.
 */
export function offlineLine(): string {
  return `deno compile skipped: cannot download its base runtime, denort, from ${denortUrl()} (set DENORT_BIN to a denort binary to compile without the download)`;
}

/** What {@linkcode compile} did. */
export type CompileResult =
  | { ok: true; path: string; bytes: number }
  | { ok: false; offline: true }
  | { ok: false; offline: false; code: number; output: string };

/**
 * Compiles `main.ts` into a binary.
 *
 * @param output The binary's path. @default dist/loom
 * @returns The binary, or why there is none.
 */
export async function compile(output: string = BINARY_PATH): Promise<CompileResult> {
  await Deno.mkdir(dirname(output), { recursive: true });
  const out = await new Deno.Command(Deno.execPath(), {
    // Type checking is the quality gate's job (deno task ok); this task only packages.
    args: ["compile", ...COMPILE_FLAGS, "--no-check", "--output", output, "main.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  if (out.success) return { ok: true, path: output, bytes: (await Deno.stat(output)).size };
  if (/Setting up base binary/.test(text) && /denort/.test(text)) {
    return { ok: false, offline: true };
  }
  return { ok: false, offline: false, code: out.code, output: text };
}

if (import.meta.main) {
  const result = await compile(Deno.args[0] ?? BINARY_PATH);
  if (result.ok) {
    console.log(
      `${relative(Deno.cwd(), result.path)}: ${(result.bytes / 1024 / 1024).toFixed(1)} MiB`,
    );
  } else if (result.offline) {
    console.log(offlineLine());
    Deno.exit(OFFLINE_EXIT_CODE);
  } else {
    console.error(result.output);
    Deno.exit(result.code || 1);
  }
}
