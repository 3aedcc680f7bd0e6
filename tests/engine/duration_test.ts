import assert from "node:assert/strict";
import { toMilliseconds } from "../../engine/duration.ts";
import { InvalidArgumentError } from "../../engine/errors.ts";

Deno.test("toMilliseconds() reads numbers, strings and parts", () => {
  assert.equal(toMilliseconds(250), 250);
  assert.equal(toMilliseconds("500ms"), 500);
  assert.equal(toMilliseconds("90s"), 90_000);
  assert.equal(toMilliseconds("2m"), 120_000);
  assert.equal(toMilliseconds("1h30m"), 5_400_000);
  assert.equal(toMilliseconds("1d 2h"), 93_600_000);
  assert.equal(toMilliseconds("1.5s"), 1500);
  assert.equal(toMilliseconds({ minutes: 2, seconds: 3 }), 123_000);
});

Deno.test("toMilliseconds() refuses what it cannot read, naming it", () => {
  for (const bad of ["", "10", "5 parsecs", "-1s", -5, NaN, { weeks: 1 }]) {
    assert.throws(() => toMilliseconds(bad as never, "sleep duration"), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, /sleep duration/);
      return true;
    });
  }
});
