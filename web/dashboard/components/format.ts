/**
 * How times, durations and values are written. Times are shown in UTC and ages are measured
 * from a `now` that the page carries, so that the server render and the hydrated page agree.
 *
 * @module
 */

/**
 * Writes a time as `2026-01-29 10:15:03` (UTC).
 *
 * @param iso An ISO 8601 time, or `null`.
 * @returns The text, or `"-"`.
 */
export function fmtTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === "") return "-";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "");
}

/**
 * Writes a duration: `850 ms`, `8.0 s`, `2 m 5 s`, `1 h 3 m`, `2 d 4 h`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  const abs = Math.abs(ms);
  const sign = ms < 0 ? "-" : "";
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  const s = abs / 1000;
  if (s < 60) return `${sign}${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} m ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h} h ${m % 60} m`;
  return `${sign}${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Writes how long ago a time was: `12 s ago`, `in 3 s`.
 *
 * @param iso An ISO 8601 time.
 * @param now The page's current time (ms).
 * @returns The text.
 */
export function fmtAge(iso: string | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return "-";
  const d = now - Date.parse(iso);
  if (!Number.isFinite(d)) return "-";
  return d >= 0 ? `${fmtDuration(d)} ago` : `in ${fmtDuration(-d)}`;
}

/**
 * Milliseconds between two times (the second defaults to `now`).
 *
 * @param from ISO time.
 * @param to ISO time, or `null` for `now`.
 * @param now The page's current time (ms).
 * @returns Milliseconds.
 */
export function between(from: string, to: string | null, now: number): number {
  return (to === null ? now : Date.parse(to)) - Date.parse(from);
}

/**
 * Writes a JSON value on one line, cut to `max` characters.
 *
 * @param value Any JSON value.
 * @param max Longest text.
 * @returns The text.
 */
export function short(value: unknown, max = 80): string {
  const text = value === undefined ? "" : JSON.stringify(value) ?? "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Writes a number with thousands separators.
 *
 * @param n The number.
 * @returns The text.
 */
export function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Turns a `datetime-local` value (taken as UTC) into ISO 8601, or passes ISO through.
 *
 * @param value The form value.
 * @returns ISO 8601 UTC, or `""`.
 */
export function localToIso(value: string | null | undefined): string {
  if (value === null || value === undefined || value.trim() === "") return "";
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) {
    return `${v.length === 16 ? `${v}:00` : v}Z`;
  }
  return v;
}

/**
 * What a task runs, for people (`__timer__` is a durable timer).
 *
 * @param target The task's target.
 * @returns The text.
 */
export function taskTarget(target: string): string {
  return target === "__timer__" ? "timer" : target;
}
