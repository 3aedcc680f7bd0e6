/**
 * The architecture rules as functions over source files, so that each rule runs on the real
 * tree (no violation allowed) and on planted files (the rule must catch them).
 *
 * @module
 */

/** A source file: its path from the repository root, and its text. */
export interface Source {
  path: string;
  text: string;
}

/** An import or export specifier, and whether the statement is type-only. */
export interface Import {
  spec: string;
  typeOnly: boolean;
}

const ROOT = new URL("../../", import.meta.url);

/** Folders that hold source (tests, fixtures and bench results are not source). */
export const SOURCE_DIRS = ["engine", "store", "cli", "web", "bench", "examples"] as const;

/**
 * Reads every `.ts`/`.tsx` file under a folder of the repository.
 *
 * @param dir A folder, from the root.
 * @returns Its files.
 */
export async function sources(dir: string): Promise<Source[]> {
  const out: Source[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(new URL(rel, ROOT))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) {
        if (e.name !== "results") await walk(p);
      } else if (/\.tsx?$/.test(e.name)) {
        out.push({ path: p, text: await Deno.readTextFile(new URL(p, ROOT)) });
      }
    }
  };
  await walk(dir);
  return out;
}

/**
 * Every source file of the repository, `main.ts` included.
 *
 * @returns The files.
 */
export async function allSources(): Promise<Source[]> {
  const out: Source[] = [];
  for (const dir of SOURCE_DIRS) out.push(...await sources(dir));
  out.push({ path: "main.ts", text: await Deno.readTextFile(new URL("main.ts", ROOT)) });
  return out;
}

/**
 * Removes comments and the contents of strings, so that only code is searched.
 *
 * @param text A file.
 * @returns Its code.
 */
export function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
    .replace(/`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
}

/**
 * Import and export specifiers of a file (static, side-effect and dynamic).
 *
 * @param text The file.
 * @returns Its specifiers.
 */
export function importsOf(text: string): Import[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const statements = /(?:^|[;\n])\s*(?:import|export)(\s+type)?\b[^"';]*?from\s+["']([^"']+)["']/g;
  // Side-effect imports (`import "./x.ts"`) and dynamic imports with a literal specifier.
  const bare = /(?:^\s*import\s+|(?<![\w.$])import\s*\(\s*)["']([^"']+)["']/gm;
  return [
    ...[...code.matchAll(statements)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined })),
    ...[...code.matchAll(bare)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
}

/**
 * The repository path a relative specifier of a file points at.
 *
 * @param from The importing file's path.
 * @param spec The specifier.
 * @returns The target's path, or `undefined` for a package or URL.
 */
export function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const url = new URL(spec, new URL(from, "file:///r/"));
  return url.pathname.slice("/r/".length);
}

/** A layering rule: which files it governs, and what each of their imports may not be. */
export interface Rule {
  /** What the rule says, for messages. */
  name: string;
  /** Whether a file is governed by the rule. */
  applies: (path: string) => boolean;
  /** Why an import breaks the rule, or `undefined` when it does not. */
  check: (to: string | undefined, imp: Import) => string | undefined;
}

const KERNEL = new Set(["engine/errors.ts", "engine/json.ts", "engine/duration.ts"]);
const within = (dir: string) => (path: string) => path.startsWith(`${dir}/`);
const breaks = (imp: Import) => `imports ${imp.spec}`;

/** The layering rules of DESIGN.md §6. */
export const RULES: Rule[] = [
  {
    name: "engine/replay/ imports only itself and the kernel (errors, json, duration)",
    applies: within("engine/replay"),
    check: (to, imp) =>
      to !== undefined && (to.startsWith("engine/replay/") || KERNEL.has(to))
        ? undefined
        : breaks(imp),
  },
  {
    name: "engine/definition/ never imports the runtime, the views or the store",
    applies: within("engine/definition"),
    check: (to, imp) =>
      to !== undefined && /^(engine\/(runtime|views)|store)\//.test(to) ? breaks(imp) : undefined,
  },
  {
    name: "store/ imports nothing from engine/, web/ or cli/",
    applies: within("store"),
    check: (to, imp) =>
      to !== undefined && /^(engine|web|cli)\//.test(to) ? breaks(imp) : undefined,
  },
  {
    name: "engine/views/ never imports the runtime",
    applies: within("engine/views"),
    check: (to, imp) => to?.startsWith("engine/runtime/") ? breaks(imp) : undefined,
  },
  {
    name: "engine/ never imports web/ or cli/",
    applies: within("engine"),
    check: (to, imp) => to !== undefined && /^(web|cli)\//.test(to) ? breaks(imp) : undefined,
  },
  {
    name: "web/, cli/, examples/, bench/ and main.ts enter engine/ only through engine/mod.ts",
    applies: (p) => p === "main.ts" || /^(web|cli|examples|bench)\//.test(p),
    check: (to, imp) =>
      to?.startsWith("engine/") && to !== "engine/mod.ts" ? breaks(imp) : undefined,
  },
  {
    name: "outside store/, the store is entered only through store/mod.ts",
    applies: (p) => !p.startsWith("store/"),
    check: (to, imp) => to?.startsWith("store/") && to !== "store/mod.ts" ? breaks(imp) : undefined,
  },
  {
    name: "web/ reads through the reader: it imports only types from the store",
    applies: within("web"),
    check: (to, imp) =>
      to === "store/mod.ts" && !imp.typeOnly ? `imports values of ${imp.spec}` : undefined,
  },
  {
    name: "web/dashboard/client/ (browser code) imports only types from engine/ and the API",
    applies: within("web/dashboard/client"),
    check: (to, imp) =>
      to !== undefined && !imp.typeOnly &&
        (/^(engine|store)\//.test(to) ||
          (to.startsWith("web/") && !to.startsWith("web/dashboard/")))
        ? `imports values of ${imp.spec}`
        : undefined,
  },
  {
    name: "code reachable from main.ts uses relative paths, node: or full npm:pkg@version",
    applies: (p) => p === "main.ts" || /^(engine|store|cli|web|examples)\//.test(p),
    check: (_to, imp) =>
      imp.spec.startsWith(".") || imp.spec.startsWith("node:") ||
        /^npm:(@[^/]+\/)?[^@/]+@\d/.test(imp.spec)
        ? undefined
        : `imports "${imp.spec}": use a relative path, node: or npm:pkg@version`,
  },
];

/**
 * The layering violations of a set of files.
 *
 * @param files The files.
 * @returns One line per violation.
 */
export function layeringViolations(files: Source[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    for (const rule of RULES) {
      if (!rule.applies(file.path)) continue;
      for (const imp of importsOf(file.text)) {
        const why = rule.check(target(file.path, imp.spec), imp);
        if (why !== undefined) out.push(`${file.path} ${why} (rule: ${rule.name})`);
      }
    }
  }
  return out;
}

/** Files allowed over {@linkcode MAX_LINES}: the central state machine and the error catalogue. */
export const LONG_FILES: ReadonlySet<string> = new Set([
  "engine/replay/machine.ts",
  "engine/errors.ts",
]);
/** Longest source file, in lines. */
export const MAX_LINES = 500;

/**
 * Source files over the line limit (generated files, `*.gen.ts`, are exempt).
 *
 * @param files The files.
 * @returns One line per file too long.
 */
export function sizeViolations(files: Source[]): string[] {
  return files.filter((f) => !LONG_FILES.has(f.path) && !/\.gen\.ts$/.test(f.path))
    .map((f) => ({ f, lines: f.text.split("\n").length }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ f, lines }) => `${f.path} has ${lines} lines (at most ${MAX_LINES})`);
}

/**
 * Folders of more than three source files without a `mod.ts` front door, and `mod.ts` files
 * that re-export with `export *` instead of explicit names.
 *
 * @param files The files.
 * @returns One line per violation.
 */
export function frontDoorViolations(files: Source[]): string[] {
  const byDir = new Map<string, Source[]>();
  for (const f of files) {
    if (!f.path.includes("/")) continue;
    const dir = f.path.slice(0, f.path.lastIndexOf("/"));
    byDir.set(dir, [...byDir.get(dir) ?? [], f]);
  }
  const out: string[] = [];
  for (const [dir, list] of byDir) {
    const mod = list.find((f) => f.path === `${dir}/mod.ts`);
    const counted = list.filter((f) => !/\.gen\.ts$/.test(f.path)).length;
    if (mod === undefined && counted > 3) out.push(`${dir}/ has ${counted} files and no mod.ts`);
    if (mod !== undefined && /^\s*export\s+\*/m.test(codeOf(mod.text))) {
      out.push(`${dir}/mod.ts re-exports with "export *": name what it exports`);
    }
  }
  return out;
}
