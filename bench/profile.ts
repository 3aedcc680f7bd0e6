/**
 * Summarizes V8 CPU profiles (`deno run --cpu-prof`): where the time went, by function (self and
 * total time) and by file.
 *
 * `deno run -A bench/profile.ts [--top 25] <file.cpuprofile>…`
 *
 * @module
 */

import { parseArgs } from "node:util";

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  /** Call-tree nodes. */
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  /** The node on top of the stack at each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since the start). */
  timeDeltas: number[];
}

/** Time spent in one function or file. */
export interface TimeEntry {
  /** `name file:line`, or a file. */
  name: string;
  /** Milliseconds. */
  ms: number;
  /** Share of the busy time, 0–1. */
  share: number;
}

/** A profile's summary. */
export interface ProfileSummary {
  /** Sampled time, ms. */
  totalMs: number;
  /** Time in `(idle)`, ms. */
  idleMs: number;
  /** Top functions by self time. */
  self: TimeEntry[];
  /** Top functions by total time (each function counted once per sample). */
  total: TimeEntry[];
  /** Self time by file, all files. */
  files: TimeEntry[];
}

const IDLE = "(idle)";

/**
 * Shortens a script URL to a path inside the project, or to its module specifier.
 *
 * @param url A `file://`, `ext:` or `node:` URL.
 * @returns The short name (`""` for V8's own nodes).
 */
export function shortUrl(url: string): string {
  if (url === "") return "";
  const project = new URL("../", import.meta.url).href;
  if (url.startsWith(project)) return url.slice(project.length);
  return url.replace(/^file:\/\//, "");
}

function top(map: Map<string, number>, busyMs: number, n: number): TimeEntry[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }));
}

/**
 * Summarizes a profile. A sample lasts until the next one (the last one, 0).
 *
 * @param profile The profile.
 * @param n How many functions to list.
 * @returns Self, total and by-file times.
 */
export function summarizeProfile(profile: CpuProfile, n = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const key = (id: number) => {
    const f = (byId.get(id) as CpuProfile["nodes"][number]).callFrame;
    const name = f.functionName === "" ? "(anonymous)" : f.functionName;
    const where = shortUrl(f.url);
    return where === "" ? name : `${name} ${where}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const k = key(id);
    if (k === IDLE) {
      idleMs += ms;
      return;
    }
    self.set(k, (self.get(k) ?? 0) + ms);
    const url = byId.get(id)?.callFrame.url ?? "";
    const file = shortUrl(url) || "(V8: program, GC, native)";
    files.set(file, (files.get(file) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = key(at);
      if (name === "(root)" || seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  const busy = totalMs - idleMs;
  return {
    totalMs,
    idleMs,
    self: top(self, busy, n),
    total: top(total, busy, n),
    files: top(files, busy, files.size).filter((e) => e.ms >= 0.05),
  };
}

/**
 * Renders a summary as text.
 *
 * @param summary The summary.
 * @returns The text.
 */
export function renderProfile(summary: ProfileSummary): string {
  const line = (e: TimeEntry) =>
    `  ${e.ms.toFixed(1).padStart(9)} ms ${(e.share * 100).toFixed(1).padStart(5)} %  ${e.name}`;
  return [
    `sampled ${summary.totalMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms, busy ${
      (summary.totalMs - summary.idleMs).toFixed(0)
    } ms (shares below are of the busy time)`,
    "",
    "self time by function:",
    ...summary.self.map(line),
    "",
    "total time by function (callee time included):",
    ...summary.total.map(line),
    "",
    "self time by file:",
    ...summary.files.map(line),
  ].join("\n");
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { top: { type: "string", default: "25" } },
    allowPositionals: true,
  });
  for (const file of positionals) {
    const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
    console.log(`== ${file}\n${renderProfile(summarizeProfile(profile, Number(values.top)))}\n`);
  }
}
