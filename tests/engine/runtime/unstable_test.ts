import assert from "node:assert/strict";
import { requireUnstableFeatures, workerOptionsMissing } from "../../../engine/runtime/unstable.ts";

// The failures (a program without the flags) need a process of their own: see
// tests/e2e/url_import_test.ts.

Deno.test("requireUnstableFeatures() passes where deno.json enables kv and worker-options", () => {
  requireUnstableFeatures({ workers: true });
  assert.equal(workerOptionsMissing(), false);
});

Deno.test("requireUnstableFeatures() does not need KV when the caller brings a handle", () => {
  const descriptor = Object.getOwnPropertyDescriptor(Deno, "openKv") as PropertyDescriptor;
  try {
    Object.defineProperty(Deno, "openKv", { value: undefined, configurable: true });
    requireUnstableFeatures({ kv: false });
    assert.throws(() => requireUnstableFeatures(), /run deno with --unstable-kv,/);
    assert.throws(
      () => requireUnstableFeatures({ workers: true }),
      /--unstable-kv --unstable-worker-options/,
    );
  } finally {
    Object.defineProperty(Deno, "openKv", descriptor);
  }
});
