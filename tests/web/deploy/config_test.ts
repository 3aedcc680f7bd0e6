import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../../engine/mod.ts";
import { EXAMPLES_URL } from "../../../examples/embed.ts";
import { DEPLOY_DEFAULTS, readDeployConfig } from "../../../web/deploy/mod.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("readDeployConfig: no variables: Deno.openKv() with no path, the examples, no token", () => {
  assert.deepEqual(readDeployConfig(envOf({})), {
    ...DEPLOY_DEFAULTS,
    kvPath: undefined,
    modules: [EXAMPLES_URL],
    token: undefined,
  });
});

Deno.test("readDeployConfig: LOOM_KV, LOOM_MODULES (comma-separated), LOOM_TOKEN, LOOM_POLL_INTERVAL_MS", () => {
  const config = readDeployConfig(envOf({
    LOOM_KV: " /data/loom.kv ",
    LOOM_MODULES: "./flows.ts, https://example.com/more.ts,,",
    LOOM_TOKEN: "s3cret",
    LOOM_POLL_INTERVAL_MS: "250",
  }));
  assert.equal(config.kvPath, "/data/loom.kv");
  assert.deepEqual(config.modules, ["./flows.ts", "https://example.com/more.ts"]);
  assert.equal(config.token, "s3cret");
  assert.equal(config.pollIntervalMs, 250);
});

Deno.test("readDeployConfig: empty values count as unset; a bad poll interval is refused", () => {
  const config = readDeployConfig(envOf({ LOOM_KV: "", LOOM_MODULES: " ", LOOM_TOKEN: "" }));
  assert.equal(config.kvPath, undefined);
  assert.deepEqual(config.modules, [EXAMPLES_URL]);
  assert.equal(config.token, undefined);
  for (const bad of ["5", "1.5", "soon"]) {
    assert.throws(
      () => readDeployConfig(envOf({ LOOM_POLL_INTERVAL_MS: bad })),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message ===
          `Invalid LOOM_POLL_INTERVAL_MS: "${bad}": it must be a whole number of milliseconds, at least 10`,
    );
  }
});
