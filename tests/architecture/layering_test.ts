import assert from "node:assert/strict";
import {
  allSources,
  codeOf,
  frontDoorViolations,
  importsOf,
  layeringViolations,
  sizeViolations,
  type Source,
  sources,
  target,
} from "./_rules.ts";

const file = (path: string, text: string): Source => ({ path, text });

Deno.test("the tree keeps its layering (DESIGN.md §6)", async () => {
  assert.deepEqual(layeringViolations(await allSources()), []);
});

Deno.test("each layering rule catches a planted violation", () => {
  const planted = [
    file("engine/replay/x.ts", 'import { Engine } from "../runtime/engine.ts";'),
    file("engine/replay/y.ts", 'import { encodeValue } from "../../store/mod.ts";'),
    file("engine/definition/x.ts", 'import type { Run } from "../runtime/run.ts";'),
    file("engine/definition/y.ts", 'import { keys } from "../../store/mod.ts";'),
    file("store/x.ts", 'import { EventType } from "../engine/mod.ts";'),
    file("engine/views/x.ts", 'import { RunLoop } from "../runtime/run_loop.ts";'),
    file("engine/runtime/x.ts", 'import { createApp } from "../../web/mod.ts";'),
    file("web/x.ts", 'import { Effects } from "../engine/runtime/effects.ts";'),
    file("cli/x.ts", 'export { Run } from "../engine/runtime/run.ts";'),
    file("main.ts", 'import { replay } from "./engine/replay/history.ts";'),
    file("bench/x.ts", 'import { pack } from "../store/commit.ts";'),
    file("web/y.ts", 'import { KvStore } from "../store/mod.ts";'),
    file("web/dashboard/client/x.ts", 'import { createEngine } from "../../../engine/mod.ts";'),
    file("engine/z.ts", 'import { Hono } from "hono";'),
    file("engine/replay/z.ts", 'const m = await import("../runtime/mod.ts");'),
  ];
  const found = layeringViolations(planted);
  for (const f of planted) {
    assert.ok(found.some((v) => v.startsWith(`${f.path} `)), `${f.path} is not caught`);
  }
  const allowed = [
    file("engine/replay/ok.ts", 'import { toJson } from "../json.ts";'),
    file("web/ok.ts", 'import type { StoredEvent } from "../store/mod.ts";'),
    file(
      "web/dashboard/client/ok.ts",
      'import type { WorkflowStatus } from "../../../engine/mod.ts";',
    ),
    file("engine/runtime/ok.ts", 'import { isTerminal } from "../views/mod.ts";'),
  ];
  assert.deepEqual(layeringViolations(allowed), []);
});

Deno.test("no source file over 500 lines but the state machine and the error catalogue", async () => {
  assert.deepEqual(sizeViolations(await allSources()), []);
  assert.equal(sizeViolations([file("engine/runtime/big.ts", "\n".repeat(500))]).length, 1);
  assert.equal(sizeViolations([file("engine/replay/machine.ts", "\n".repeat(900))]).length, 0);
});

Deno.test("every folder of more than three files has a mod.ts with explicit names", async () => {
  assert.deepEqual(frontDoorViolations(await allSources()), []);
  const four = ["a", "b", "c", "d"].map((n) => file(`web/x/${n}.ts`, ""));
  assert.equal(frontDoorViolations(four).length, 1);
  assert.equal(
    frontDoorViolations([...four, file("web/x/mod.ts", "export { a } from './a.ts';")]).length,
    0,
  );
  assert.equal(frontDoorViolations([file("web/y/mod.ts", 'export * from "./a.ts";')]).length, 1);
});

Deno.test("every mod.ts is linted by `deno doc --lint` in the quality gate", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const doc: string = config.tasks.doc;
  assert.match(config.tasks.ok, /deno task doc/);
  const mods = (await allSources()).map((f) => f.path).filter((p) => /(^|\/)mod\.ts$/.test(p));
  for (const mod of [...mods, "main.ts"]) {
    assert.ok(doc.split(/\s+/).includes(mod), `deno task doc does not lint ${mod}`);
  }
});

Deno.test("the replay core touches no clock, randomness, timer, network or Deno API", async () => {
  for (const { path, text } of await sources("engine/replay")) {
    const code = codeOf(text);
    // `Deno.SomeType` in a type is fine; runtime APIs (`Deno.readFile`, `Deno.env`) are not.
    assert.ok(!/Deno\.[a-z]/.test(code), `${path} uses a Deno runtime API`);
    for (const banned of ["Date.now(", "new Date()", "Math.random(", "setTimeout(", "fetch("]) {
      assert.ok(!code.includes(banned), `${path} uses ${banned}`);
    }
  }
});

Deno.test("library code does not print: no console in engine/ or store/", async () => {
  for (const dir of ["engine", "store"]) {
    for (const { path, text } of await sources(dir)) {
      assert.ok(!/\bconsole\./.test(codeOf(text)), `${path} uses console`);
    }
  }
});

Deno.test("web/ reads through the reader and never reaches for a store object", async () => {
  for (const { path, text } of await sources("web")) {
    assert.ok(!/\.store\b/.test(codeOf(text)), `${path} reaches for a store`);
  }
});

Deno.test("the dashboard's browser code imports only types from engine/ and the API schemas, and nothing of its server", async () => {
  for (const dir of ["web/dashboard/client", "web/dashboard/components"]) {
    for (const { path, text } of await sources(dir)) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "");
      const specs = [
        ...code.matchAll(/^(import|export)(\s+type)?[^"';]*?from\s+["']([^"']+)["']/gm),
      ];
      for (const m of specs) {
        const spec = m[3] as string;
        if (!spec.startsWith(".")) continue;
        const to = target(path, spec) as string;
        assert.ok(!to.startsWith("web/dashboard/server/"), `${path} imports ${to}`);
        if (to.startsWith("web/dashboard/")) continue;
        assert.ok(m[2] !== undefined, `${path} imports ${to} for more than types`);
        assert.ok(
          ["engine/mod.ts", "web/_deps.ts"].includes(to) ||
            /^web\/api\/(\w+_)?schemas\.ts$/.test(to),
          `${path} imports types from ${to}`,
        );
      }
    }
  }
});

Deno.test("the dashboard's files use full npm: specifiers and name one Preact version in their JSX pragma", async () => {
  const { PREACT_VERSION } = await import("../../web/dashboard/_deps.ts");
  for (const { path, text } of await sources("web/dashboard")) {
    for (const { spec } of importsOf(text)) {
      const ok = spec.startsWith(".") || /^npm:(@[^/]+\/)?[^@/]+@\d/.test(spec);
      assert.ok(ok, `${path} imports "${spec}"`);
    }
    if (path.endsWith(".tsx")) {
      assert.ok(
        text.startsWith(`/** @jsxImportSource npm:preact@${PREACT_VERSION} */`),
        `${path} lacks the @jsxImportSource pragma of preact ${PREACT_VERSION}`,
      );
    }
  }
});
