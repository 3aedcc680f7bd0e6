/**
 * The README's fenced code blocks, by section, for the tests that run what the README says.
 *
 * @module
 */

const README = new URL("../../README.md", import.meta.url);

/** One fenced code block of the README. */
export interface CodeBlock {
  /** The `##` section it is in (the heading's text), and the `###` one when there is one. */
  section: string;
  /** The `###` heading above it in that section, or `""`. */
  subsection: string;
  /** The info string's language (`ts`, `sh`, `text`…). */
  lang: string;
  /** Its text, without the fences. */
  code: string;
  /** Line of the opening fence (1-based). */
  line: number;
}

/**
 * Reads the README's fenced code blocks.
 *
 * @param text The README. @default README.md
 * @returns Its blocks, in order.
 */
export async function readmeBlocks(text?: string): Promise<CodeBlock[]> {
  const lines = (text ?? await Deno.readTextFile(README)).split("\n");
  const blocks: CodeBlock[] = [];
  let section = "";
  let subsection = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("## ")) [section, subsection] = [line.slice(3).trim(), ""];
    else if (line.startsWith("### ")) subsection = line.slice(4).trim();
    const fence = line.match(/^```(\S*)\s*$/);
    if (fence === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) {
      body.push(lines[i] as string);
    }
    blocks.push({
      section,
      subsection,
      lang: fence[1] ?? "",
      code: body.join("\n"),
      line: start + 1,
    });
  }
  return blocks;
}

/**
 * The commands of a shell block: one per line, comments and blank lines left out, lines that end
 * with `\` joined with the next.
 *
 * @param code The block's text.
 * @returns The commands.
 */
export function shellCommands(code: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of code.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "").trimEnd();
    if (line.trim() === "" && pending === "") continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    out.push(`${pending}${line.trim()}`.trim());
    pending = "";
  }
  return out.filter((c) => c !== "");
}

/**
 * The first command of a section's shell blocks that matches.
 *
 * @param section The `##` heading.
 * @param pattern What the command looks like.
 * @returns The command.
 * @throws {Error} When there is none.
 */
export async function readmeCommand(section: string, pattern: RegExp): Promise<string> {
  for (const block of await readmeBlocks()) {
    if (block.section !== section || block.lang !== "sh") continue;
    const found = shellCommands(block.code).find((c) => pattern.test(c));
    if (found !== undefined) return found;
  }
  throw new Error(`README section "${section}" has no command matching ${pattern}`);
}

/**
 * Splits a shell command into words as `sh` does for the README's commands: single and double
 * quotes, backslashes, and `$NAME` / `${NAME}` (outside single quotes) from `env`.
 *
 * @param command One command.
 * @param env Variables.
 * @returns Its words.
 */
export function shellWords(command: string, env: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === "\\" && i + 1 < command.length) {
      word = (word ?? "") + command[++i];
      continue;
    }
    if (c === "$") {
      const m = command.slice(i).match(/^\$(?:\{(\w+)\}|(\w+))/);
      if (m !== null) {
        word = (word ?? "") + (env[(m[1] ?? m[2]) as string] ?? "");
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote !== undefined) throw new Error(`Unclosed ${quote} in: ${command}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** What a README command runs. */
export type Invocation =
  | { kind: "loom"; via: string; args: string[] }
  | { kind: "task"; name: string; args: string[] }
  | { kind: "deno"; args: string[] }
  | { kind: "shell"; words: string[] };

/**
 * Tells what one README command (no `&&`) runs: the CLI (`deno run … main.ts`, `loom`,
 * `… loom.js`, `dist/loom`) with its arguments, a `deno task`, another `deno` command, or a shell
 * command.
 *
 * @param words The command's words.
 * @returns What it runs.
 */
export function invocationOf(words: string[]): Invocation {
  const [first, ...rest] = words;
  const deno = first === "npx" ? words.slice(words.findIndex((w) => w.startsWith("deno@"))) : words;
  if (deno[0]?.startsWith("deno")) {
    if (deno[1] === "task") {
      return { kind: "task", name: deno[2] ?? "", args: deno.slice(3) };
    }
    const entry = deno.findIndex((w, i) => i > 1 && /(^|\/)(main\.ts|loom\.js)$/.test(w));
    if (deno[1] === "run" && entry > 0) {
      return { kind: "loom", via: deno[entry] as string, args: deno.slice(entry + 1) };
    }
    return { kind: "deno", args: deno.slice(1) };
  }
  if (first === "loom" || first === "dist/loom") return { kind: "loom", via: first, args: rest };
  return { kind: "shell", words };
}
