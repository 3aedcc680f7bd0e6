/**
 * Differences between two runs: of two JSON values (by path), and of two event sequences
 * (aligned on what each event is, by longest common subsequence, then compared by payload).
 *
 * @module
 */

import type { RunEvent } from "./types.ts";

/** One path of two JSON values. */
export interface ValueDiff {
  /** Path, like `items[0].price` (`""` for the whole value). */
  path: string;
  /** The first value's text at the path (`undefined`: absent). */
  a: string | undefined;
  /** The second value's text at the path. */
  b: string | undefined;
  /** How they differ. */
  kind: "same" | "changed" | "added" | "removed";
}

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  } else if (typeof value === "object" && value !== null && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, path === "" ? k : `${path}.${k}`, out);
  } else out.set(path, JSON.stringify(value) ?? "undefined");
}

/**
 * Compares two JSON values leaf by leaf.
 *
 * @param a The first.
 * @param b The second.
 * @returns One row per path, sorted by path.
 */
export function diffValues(a: unknown, b: unknown): ValueDiff[] {
  const x = new Map<string, string>();
  const y = new Map<string, string>();
  flatten(a, "", x);
  flatten(b, "", y);
  const paths = [...new Set([...x.keys(), ...y.keys()])].sort();
  return paths.map((path) => {
    const va = x.get(path);
    const vb = y.get(path);
    const kind = va === undefined
      ? "added"
      : vb === undefined
      ? "removed"
      : va === vb
      ? "same"
      : "changed";
    return { path, a: va, b: vb, kind };
  });
}

/**
 * What an event is, without its values: its type and the names it carries.
 *
 * @param e The event.
 * @returns E.g. `ACTIVITY_SCHEDULED charge`.
 */
export function signature(e: RunEvent): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const name = p.step_name ?? p.key ?? p.name ?? p.purpose ?? "";
  return `${e.type} ${String(name)}`.trim();
}

function values(e: RunEvent): string {
  const p = { ...(e.payload as Record<string, unknown> ?? {}) };
  for (
    const k of [
      "started_at",
      "completed_at",
      "failed_at",
      "canceled_at",
      "requested_at",
      "sent_at",
      "fire_at",
      "fire_at_ms",
      "next_attempt_at",
      "next_attempt_at_ms",
      "timer_id",
    ]
  ) {
    delete p[k];
  }
  return JSON.stringify(p);
}

/** One row of two aligned event sequences. */
export interface EventRow {
  /** The first run's event. */
  a?: RunEvent;
  /** The second run's event. */
  b?: RunEvent;
  /** `same`; `changed` (same call, other values); `only-a`; `only-b`. */
  kind: "same" | "changed" | "only-a" | "only-b";
}

/** Events aligned at most per run (the alignment is quadratic). */
export const ALIGN_LIMIT = 600;

/**
 * Aligns two runs' events.
 *
 * @param xs The first run's events.
 * @param ys The second run's events.
 * @returns The rows, in order.
 */
export function alignEvents(xs: RunEvent[], ys: RunEvent[]): EventRow[] {
  const a = xs.slice(0, ALIGN_LIMIT);
  const b = ys.slice(0, ALIGN_LIMIT);
  const sa = a.map(signature);
  const sb = b.map(signature);
  const n = a.length;
  const m = b.length;
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint16Array;
    const below = lcs[i + 1] as Uint16Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = sa[i] === sb[j]
        ? (below[j + 1] as number) + 1
        : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const rows: EventRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const ea = a[i];
    const eb = b[j];
    if (ea !== undefined && eb !== undefined && sa[i] === sb[j]) {
      rows.push({ a: ea, b: eb, kind: values(ea) === values(eb) ? "same" : "changed" });
      i++;
      j++;
    } else if (
      eb === undefined || (ea !== undefined && (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))
    ) {
      rows.push({ a: ea as RunEvent, kind: "only-a" });
      i++;
    } else {
      rows.push({ b: eb as RunEvent, kind: "only-b" });
      j++;
    }
  }
  return rows;
}
