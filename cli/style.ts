/**
 * Terminal colours with plain ANSI codes: on for a terminal, off with `NO_COLOR` or when the
 * output is not a terminal, forced on with `FORCE_COLOR` (for pagers and tests).
 *
 * @module
 */

/** Colours and emphasis; every function returns its text unchanged when colour is off. */
export interface Style {
  /** Whether colour codes are written. */
  readonly enabled: boolean;
  /** Bold. */
  bold(text: string): string;
  /** Dim. */
  dim(text: string): string;
  /** Red. */
  red(text: string): string;
  /** Green. */
  green(text: string): string;
  /** Yellow. */
  yellow(text: string): string;
  /** Blue. */
  blue(text: string): string;
  /** Magenta. */
  magenta(text: string): string;
  /** Cyan. */
  cyan(text: string): string;
}

function code(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
}

/**
 * Makes a {@linkcode Style}.
 *
 * @param enabled Whether to write colour codes.
 * @returns The style.
 * @example
 * ```ts
 * import { createStyle } from "./style.ts";
 * console.assert(createStyle(false).red("x") === "x");
 * console.assert(createStyle(true).red("x") === "\x1b[31mx\x1b[39m");
 * ```
 */
export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: code(enabled, 1, 22),
    dim: code(enabled, 2, 22),
    red: code(enabled, 31, 39),
    green: code(enabled, 32, 39),
    yellow: code(enabled, 33, 39),
    blue: code(enabled, 34, 39),
    magenta: code(enabled, 35, 39),
    cyan: code(enabled, 36, 39),
  };
}

/**
 * Decides whether to colour an output stream, following https://no-color.org: a non-empty
 * `NO_COLOR` turns colour off; otherwise a non-empty `FORCE_COLOR` other than `0` turns it on;
 * otherwise colour is on only for a terminal.
 *
 * @param env Reads an environment variable.
 * @param isTerminal Whether the stream is a terminal.
 * @returns `true` to colour.
 */
export function colorEnabled(
  env: (name: string) => string | undefined,
  isTerminal: boolean,
): boolean {
  const no = env("NO_COLOR");
  if (no !== undefined && no !== "") return false;
  const force = env("FORCE_COLOR");
  if (force !== undefined && force !== "" && force !== "0") return true;
  return isTerminal;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Removes colour codes.
 *
 * @param text Text that may hold ANSI colour codes.
 * @returns The text without them.
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * Width of text on a terminal: colour codes take no room, wide (CJK, emoji) characters two
 * columns, combining marks none.
 *
 * @param text Text.
 * @returns Columns.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200d) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
}
