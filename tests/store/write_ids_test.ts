import assert from "node:assert/strict";
import { epochOf, WriteIds } from "../../store/write_ids.ts";

Deno.test("WriteIds hands out ids of its lease epoch, counting up, and epochOf() reads the epoch back", () => {
  const ids = new WriteIds();
  assert.equal(ids.epoch, 0);
  const unfenced = ids.next();
  assert.equal(epochOf(unfenced), 0);
  ids.setEpoch(7);
  assert.deepEqual([ids.next(), ids.next()], ["7.1", "7.2"]);
  assert.equal(ids.epoch, 7);
  assert.equal(epochOf("7.2"), 7);
});

Deno.test("epochOf() is undefined for the chunk names of schema 1", () => {
  for (const name of ["input", "result", "h4", "7", "7.", ".3", "7.3.1"]) {
    assert.equal(epochOf(name), undefined, name);
  }
});

Deno.test("two stores without a lease do not start at the same id", () => {
  assert.notEqual(new WriteIds().next(), new WriteIds().next());
});
