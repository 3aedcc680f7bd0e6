import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function sources(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(new URL(rel, ROOT))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.name.endsWith(".ts") || e.name.endsWith(".tsx")) {
        out.push({ path: p, text: await Deno.readTextFile(new URL(p, ROOT)) });
      }
    }
  };
  await walk(dir);
  return out;
}

function imports(text: string): string[] {
  return [...text.matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
}

Deno.test("the replay core imports nothing with I/O and touches no clock", async () => {
  for (const { path, text } of await sources("engine/replay")) {
    for (const spec of imports(text)) {
      assert.ok(
        spec.startsWith("./") || spec === "../errors.ts" || spec === "../json.ts" ||
          spec === "../duration.ts",
        `${path} imports ${spec}`,
      );
    }
    const code = text.replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
      .replace(/`[^`]*`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
    // `Deno.SomeType` in a type is fine; runtime APIs (`Deno.readFile`, `Deno.env`) are not.
    assert.ok(!/Deno\.[a-z]/.test(code), `${path} uses a Deno runtime API`);
    for (const banned of ["Date.now(", "new Date()", "Math.random(", "setTimeout(", "fetch("]) {
      assert.ok(!code.includes(banned), `${path} uses ${banned}`);
    }
  }
});

Deno.test("dependencies point one way: store imports nothing of engine, cli or web", async () => {
  for (const { path, text } of await sources("store")) {
    for (const spec of imports(text)) {
      assert.ok(!/engine\/|cli\/|web\//.test(spec), `${path} imports ${spec}`);
    }
  }
  for (const { path, text } of await sources("engine")) {
    for (const spec of imports(text)) {
      assert.ok(!/\.\.\/(\.\.\/)?(cli|web)\//.test(spec), `${path} imports ${spec}`);
    }
  }
});

Deno.test("files reachable from main.ts use full npm: specifiers, never bare names", async () => {
  for (const dir of ["engine", "store", "cli", "examples"]) {
    for (const { path, text } of await sources(dir)) {
      for (const spec of imports(text)) {
        const ok = spec.startsWith(".") || spec.startsWith("node:") ||
          /^npm:(@[^/]+\/)?[^@/]+@\d/.test(spec);
        assert.ok(ok, `${path} imports "${spec}": use a relative path, node: or npm:pkg@version`);
      }
    }
  }
  for (const spec of imports(await Deno.readTextFile(new URL("main.ts", ROOT)))) {
    assert.ok(spec.startsWith("./"), `main.ts imports ${spec}`);
  }
});

Deno.test("library code does not print: no console in engine/ or store/", async () => {
  for (const dir of ["engine", "store"]) {
    for (const { path, text } of await sources(dir)) {
      const code = text.replace(/\/\*\*[\s\S]*?\*\//g, "");
      assert.ok(!/\bconsole\./.test(code), `${path} uses console`);
    }
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
        const target = new URL(spec, new URL(path, ROOT)).pathname.slice(ROOT.pathname.length);
        assert.ok(!target.startsWith("web/dashboard/server/"), `${path} imports ${target}`);
        if (target.startsWith("web/dashboard/")) continue;
        assert.ok(m[2] !== undefined, `${path} imports ${target} for more than types`);
        assert.ok(
          ["engine/mod.ts", "web/api/schemas.ts", "web/_deps.ts"].includes(target),
          `${path} imports types from ${target}`,
        );
      }
    }
  }
});

Deno.test("the dashboard's files use full npm: specifiers and name one Preact version in their JSX pragma", async () => {
  const { PREACT_VERSION } = await import("../../web/dashboard/_deps.ts");
  for (const { path, text } of await sources("web/dashboard")) {
    for (const spec of imports(text)) {
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
