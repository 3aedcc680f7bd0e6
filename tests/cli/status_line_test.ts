import assert from "node:assert/strict";
import { memoryIo } from "../../cli/io.ts";
import { StatusLine } from "../../cli/status_line.ts";

Deno.test("StatusLine draws on stderr and prints lines above itself", () => {
  const io = memoryIo();
  using line = new StatusLine(io, true);
  line.set("running 1");
  assert.deepEqual(io.stderr, ["\r\x1b[2K⠋ running 1"]);
  line.print("started run-1");
  assert.deepEqual(io.stdout, ["started run-1"]);
  assert.deepEqual(io.stderr.slice(1), ["\r\x1b[2K", "\r\x1b[2K⠋ running 1"], "erased, redrawn");
  line.stop();
  assert.equal(io.stderr.at(-1), "\r\x1b[2K", "erased when stopped");
});

Deno.test("StatusLine shows nothing when stderr is not a terminal, but still prints lines", () => {
  const io = memoryIo();
  using line = new StatusLine(io);
  assert.equal(line.enabled, false);
  line.start();
  line.set("running 1");
  line.print("started run-1");
  line.stop();
  assert.deepEqual(io.stderr, []);
  assert.deepEqual(io.stdout, ["started run-1"]);
});
