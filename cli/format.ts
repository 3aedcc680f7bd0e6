/**
 * How the CLI shows times, durations, sizes and statuses.
 *
 * @module
 */

import type { Style } from "./style.ts";

const two = (n: number) => String(n).padStart(2, "0");

/**
 * Formats a moment in local time.
 *
 * @param ms Milliseconds since the epoch.
 * @returns `YYYY-MM-DD HH:MM:SS`.
 */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${
    two(d.getMinutes())
  }:${two(d.getSeconds())}`;
}

/**
 * Formats a moment as a compact local stamp for file names.
 *
 * @param ms Milliseconds since the epoch.
 * @returns `YYYYmmdd_HHMMSS`.
 */
export function fileStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}_${two(d.getHours())}${
    two(d.getMinutes())
  }${two(d.getSeconds())}`;
}

/**
 * Formats a duration for people.
 *
 * @param ms Milliseconds.
 * @returns E.g. `850ms`, `3.2s`, `4m 05s`, `2h 03m`, `3d 4h`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor(s / 3600) % 24}h`;
}

/**
 * Formats a size in bytes.
 *
 * @param bytes Bytes.
 * @returns E.g. `512 B`, `1.5 KiB`, `12.0 MiB`.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Colours a workflow or task status as the reference CLI does.
 *
 * @param style Colours.
 * @param status A status.
 * @returns The coloured status.
 */
export function colorStatus(style: Style, status: string): string {
  switch (status) {
    case "RUNNING":
      return style.yellow(status);
    case "COMPLETED":
      return style.green(status);
    case "FAILED":
      return style.red(status);
    case "CANCELLED":
      return style.dim(status);
    case "PENDING":
      return style.blue(status);
    default:
      return status;
  }
}

/**
 * Colours a log level.
 *
 * @param style Colours.
 * @param level `DEBUG`, `INFO`, `WARNING` or `ERROR`.
 * @returns The coloured level.
 */
export function colorLevel(style: Style, level: string): string {
  switch (level) {
    case "ERROR":
      return style.red(level);
    case "WARNING":
      return style.yellow(level);
    case "INFO":
      return style.blue(level);
    default:
      return style.dim(level);
  }
}

/**
 * Shows a JSON value on one line.
 *
 * @param value A value.
 * @returns Compact JSON (`undefined` shows as `null`).
 */
export function compactJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}
