import assert from "node:assert/strict";
import {
  checkStreamName,
  checkStreamValue,
  MAX_STREAM_VALUE_BYTES,
  streamNameProblem,
  StreamWriter,
} from "../../../engine/replay/mod.ts";
import { InvalidArgumentError, InvalidPayloadError } from "../../../engine/mod.ts";

Deno.test("streamNameProblem() allows letters, digits, _ . : - up to 100 characters", () => {
  for (const ok of ["progress", "a", "llm.tokens", "step-1:out", "A_b", "9".repeat(100)]) {
    assert.equal(streamNameProblem(ok), undefined, ok);
  }
  for (const bad of ["", "a b", "-lead", ".dot", "ü", "a/b", "x".repeat(101), 3]) {
    assert.ok(streamNameProblem(bad) !== undefined, String(bad));
  }
  assert.throws(() => checkStreamName("a b"), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(
      e.message,
      'Invalid stream name "a b": use letters, digits, "_", ".", ":" or "-", starting with a letter or digit',
    );
    return true;
  });
});

Deno.test("checkStreamValue() takes JSON up to 64 KiB of UTF-8 and names the stream otherwise", () => {
  assert.deepEqual(checkStreamValue("s", { a: [1, "b"] }), { a: [1, "b"] });
  const fits = "x".repeat(MAX_STREAM_VALUE_BYTES - 2);
  assert.equal(checkStreamValue("s", fits), fits);
  assert.throws(() => checkStreamValue("s", `${fits}x`), /stream "s" is 65537 bytes of JSON/);
  assert.throws(() => checkStreamValue("s", "é".repeat(40_000)), /80002 bytes/);
  assert.throws(() => checkStreamValue("s", { when: new Date() }), InvalidPayloadError);
});

Deno.test("StreamWriter checks its name at once and writes through its sink", async () => {
  const written: [string, unknown][] = [];
  const sink = {
    streamWrite: (name: string, value: unknown) => {
      written.push([name, value]);
      return Promise.resolve();
    },
  };
  assert.throws(() => new StreamWriter(sink, "no spaces"), InvalidArgumentError);
  const stream = new StreamWriter(sink, "out");
  await stream.write(1);
  assert.equal(stream.name, "out");
  assert.deepEqual(written, [["out", 1]]);
});
