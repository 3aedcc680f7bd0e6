import assert from "node:assert/strict";
import { Semaphore } from "../../../engine/runtime/_semaphore.ts";

Deno.test("Semaphore lets `limit` holders in and the rest in the order they asked", async () => {
  const slots = new Semaphore(2);
  const order: number[] = [];
  await slots.acquire();
  await slots.acquire();
  const waiting = [3, 4].map((n) => slots.acquire().then(() => order.push(n)));
  assert.equal(slots.held, 2);
  assert.equal(slots.waiting, 2);
  slots.release();
  await waiting[0];
  assert.deepEqual(order, [3]);
  slots.release();
  await waiting[1];
  assert.deepEqual(order, [3, 4]);
  slots.release();
  slots.release();
  assert.equal(slots.held, 0);
  assert.equal(slots.waiting, 0);
});
