import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../engine/mod.ts";
import { HEAVY_ROUNDS, parseBenchFlags, roundsFor, WORKLOAD_IDS } from "../../bench/flags.ts";

Deno.test("parseBenchFlags() defaults to every workload, 5 rounds, no workers, a KV file", () => {
  assert.deepEqual(parseBenchFlags([]), {
    only: [...WORKLOAD_IDS],
    rounds: 5,
    workers: 0,
    memory: false,
    floor: true,
    http: false,
    help: false,
  });
});

Deno.test("parseBenchFlags() reads every option", () => {
  assert.deepEqual(
    parseBenchFlags([
      "--only",
      "w3, W1",
      "--rounds",
      "2",
      "--workers",
      "4",
      "--memory",
      "--http",
      "--no-floor",
      "--dir",
      "/var/tmp",
    ]),
    {
      only: ["W1", "W3"],
      rounds: 2,
      workers: 4,
      memory: true,
      floor: false,
      http: true,
      help: false,
      dir: "/var/tmp",
    },
  );
  assert.equal(parseBenchFlags(["-h"]).help, true);
  assert.equal(parseBenchFlags(["--rounds=7"]).rounds, 7);
});

Deno.test("parseBenchFlags() refuses unknown workloads, bad numbers and unknown options", () => {
  const bad = (args: string[], message: RegExp) =>
    assert.throws(() => parseBenchFlags(args), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, message);
      return true;
    });
  bad(["--only", "W1,W10"], /Invalid --only "W1,W10": unknown workload "W10"/);
  bad(["--only", ","], /names no workload/);
  bad(["--rounds", "0"], /Invalid --rounds "0": it must be an integer of at least 1/);
  bad(["--rounds", "2.5"], /Invalid --rounds "2.5"/);
  bad(["--workers=-1"], /Invalid --workers "-1"/);
  bad(["--workers", "two"], /Invalid --workers "two"/);
  bad(["--fast"], /Invalid bench arguments: .*--fast/);
  bad(["W1"], /Invalid bench arguments/);
});

Deno.test("roundsFor() caps W5, W6, W8 and W9 at HEAVY_ROUNDS only", () => {
  assert.equal(roundsFor("W1", 9), 9);
  assert.equal(roundsFor("W5", 9), HEAVY_ROUNDS);
  assert.equal(roundsFor("W6", 9), HEAVY_ROUNDS);
  assert.equal(roundsFor("W8", 9), HEAVY_ROUNDS);
  assert.equal(roundsFor("W9", 9), HEAVY_ROUNDS);
  assert.equal(roundsFor("S1", 9), 9);
  assert.equal(roundsFor("W11", 9), 9);
  assert.equal(roundsFor("W6", 1), 1);
});
