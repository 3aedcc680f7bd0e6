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
