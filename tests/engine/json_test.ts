import assert from "node:assert/strict";
import { InvalidPayloadError } from "../../engine/errors.ts";
import { assertJson, cloneJson, toJson } from "../../engine/json.ts";

Deno.test("assertJson() accepts JSON values", () => {
  assertJson({ a: [1, "two", null, true, { b: -0.5 }] }, "input");
  assertJson(Object.create(null), "input");
});

Deno.test("assertJson() names the first field that is not JSON and why", () => {
  const cases: [unknown, string, RegExp][] = [
    [{ a: { b: undefined } }, "input.a.b", /undefined/],
    [{ d: new Date(0) }, "input.d", /Date; pass date\.toISOString\(\)/],
    [[1, 2n], "input[1]", /bigint/],
    [{ n: Infinity }, "input.n", /Infinity/],
    [{ m: new Map() }, "input.m", /Map/],
    [{ f: () => 1 }, "input.f", /function/],
    [new (class Point {})(), "input", /instance of Point/],
    [[, 1], "input[0]", /hole/],
  ];
  for (const [value, field, why] of cases) {
    assert.throws(() => assertJson(value, "input"), (e: unknown) => {
      assert.ok(e instanceof InvalidPayloadError);
      assert.equal(e.field, field);
      assert.match(e.message, why);
      return true;
    });
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => assertJson(cyclic, "input"), /input\.self.*cycle/);
});

Deno.test("toJson() copies, so later changes do not leak", () => {
  const input = { list: [1] };
  const copy = toJson(input, "x") as { list: number[] };
  input.list.push(2);
  assert.deepEqual(copy, { list: [1] });
  assert.equal(cloneJson(undefined), undefined);
});
