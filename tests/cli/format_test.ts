import assert from "node:assert/strict";
import { fileStamp, formatBytes, formatDuration, formatTime } from "../../cli/format.ts";

Deno.test("formatDuration() picks a unit people read at a glance", () => {
  assert.equal(formatDuration(850), "850ms");
  assert.equal(formatDuration(3_249), "3.2s");
  assert.equal(formatDuration(4 * 60_000 + 5_000), "4m 05s");
  assert.equal(formatDuration(2 * 3_600_000 + 3 * 60_000), "2h 03m");
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
  assert.equal(formatDuration(-1), "-");
});

Deno.test("formatBytes() uses binary units", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(12 * 1024 * 1024), "12.0 MiB");
});

Deno.test("formatTime() and fileStamp() write the local time", () => {
  const ms = new Date(2026, 0, 2, 3, 4, 5).getTime();
  assert.equal(formatTime(ms), "2026-01-02 03:04:05");
  assert.equal(fileStamp(ms), "20260102_030405");
});
