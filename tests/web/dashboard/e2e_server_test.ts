import assert from "node:assert/strict";
import { createEngine, type Engine } from "../../../engine/mod.ts";
import { engineBackend, type LoomServer, startServer } from "../../../web/mod.ts";
import { ShipFlow } from "../../fixtures/dashboard_flows.ts";
import { SignalFlow } from "../../fixtures/flows.ts";
import { HAS_CHROMIUM, openHydrated, withBrowser } from "./_browser.ts";
import { eventually } from "./_helpers.ts";

const options = { ignore: !HAS_CHROMIUM, sanitizeOps: false, sanitizeResources: false };

/** An owner and its server; `subscriptions` counts the engine subscriptions the feed holds. */
async function serve(): Promise<
  { engine: Engine; server: LoomServer; subscriptions: () => number } & AsyncDisposable
> {
  const engine = await createEngine({
    kvPath: ":memory:",
    pollIntervalMs: 50,
    shutdownGraceMs: 200,
  });
  let made = 0;
  const subscribe = engine.subscribe.bind(engine);
  engine.subscribe = (listener) => (made++, subscribe(listener));
  const server = await startServer(engineBackend(engine), { port: 0, heartbeatMs: 1000 });
  return {
    engine,
    server,
    subscriptions: () => made,
    async [Symbol.asyncDispose]() {
      await server.close();
      await engine.close();
    },
  };
}

async function waiting(engine: Engine, id: string): Promise<void> {
  await eventually(
    `${id} to wait`,
    async () => (await engine.reader.eventsOf(id)).some((e) => e.type === "SIGNAL_WAITING"),
  );
}

Deno.test({
  ...options,
  name:
    "e2e: the search box searches input, state and logs on the server; the search stays in the URL over a reload",
  async fn() {
    await using s = await serve();
    await s.engine.start(ShipFlow, { id: "ORD-777" }, { workflowId: "ship-a" });
    await s.engine.start(ShipFlow, { id: "ORD-888" }, { workflowId: "ship-b" });
    await s.engine.start(SignalFlow, {}, { workflowId: "other" });
    await waiting(s.engine, "ship-a");
    await waiting(s.engine, "ship-b");
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      const searches: string[] = [];
      page.on("request", (r) => {
        const url = new URL(r.url());
        if (url.pathname === "/api/workflows" && url.searchParams.has("search")) {
          searches.push(url.searchParams.get("search") ?? "");
        }
      });
      await openHydrated(page, `${s.server.url}/workflows`);
      await page.fill('input[name="q"]', "prepared ord-888");
      await Promise.all([
        page.waitForURL(/q=prepared/),
        page.click('#run-filters button[type="submit"]'),
      ]);
      const ids = () =>
        page.$$eval(
          "#run-table tr[data-run]",
          (rows) => rows.map((r) => r.getAttribute("data-run")),
        );
      assert.deepEqual(await ids(), ["ship-b"]);
      assert.match(
        await page.textContent("#run-count") ?? "",
        /1 match among 3 runs examined \(all examined\)/,
      );
      await page.reload();
      await page.waitForSelector('html[data-hydrated="true"]');
      assert.equal(await page.inputValue('input[name="q"]'), "prepared ord-888");
      assert.deepEqual(await ids(), ["ship-b"]);
      // A live change reloads the list through the API's search, in the browser.
      await page.waitForFunction(() =>
        document.getElementById("feed-state")?.textContent?.includes("live")
      );
      await s.engine.getHandle("ship-a").signal("approve", { by: "prepared ORD-888 too" });
      await eventually("the browser to search", () => Promise.resolve(searches.length > 0), 10_000);
      assert.ok(searches.every((q) => q === "prepared ord-888"));
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name: "e2e: cancel every run matching a search, confirmed, with the server's live progress",
  async fn() {
    await using s = await serve();
    for (let i = 0; i < 6; i++) {
      await s.engine.start(ShipFlow, { id: `LOT-${i}` }, { workflowId: `lot-${i}` });
    }
    await s.engine.start(ShipFlow, { id: "KEEP-1" }, { workflowId: "keep" });
    for (let i = 0; i < 6; i++) await waiting(s.engine, `lot-${i}`);
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      const bulk: string[] = [];
      page.on("request", (r) => {
        if (new URL(r.url()).pathname === "/api/workflows/cancel") bulk.push(r.url());
      });
      await openHydrated(page, `${s.server.url}/workflows?q=lot-`);
      await page.click("#bulk-cancel-open");
      await page.waitForSelector("#bulk-q");
      assert.equal(
        await page.textContent("#bulk-q"),
        "Cancel every running run that matches this filter and search?",
      );
      await page.click("#bulk-cancel-confirm");
      await page.waitForFunction(
        () =>
          document.getElementById("bulk-progress")?.textContent?.includes(
            "6 of ? cancelled · done",
          ),
        null,
        { timeout: 15_000 },
      );
      assert.equal(bulk.length, 1, "one server call");
      assert.equal(new URL(bulk[0] as string).searchParams.get("search"), "lot-");
      for (let i = 0; i < 6; i++) {
        await eventually(
          `lot-${i} cancelled`,
          async () => (await s.engine.getHandle(`lot-${i}`).status()) === "CANCELLED",
        );
      }
      assert.equal(await s.engine.getHandle("keep").status(), "RUNNING");
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name:
    "e2e: several browser pages, each with its EventSource, are fed by one subscription of the server",
  async fn() {
    await using s = await serve();
    await withBrowser(async (open) => {
      const pages = await Promise.all([1, 2, 3, 4].map(() => open()));
      await Promise.all(
        pages.map(({ page }, i) =>
          openHydrated(page, `${s.server.url}${["/", "/workflows", "/events", "/logs"][i]}`)
        ),
      );
      for (const { page } of pages) {
        await page.waitForFunction(() =>
          document.getElementById("feed-state")?.textContent?.includes("live")
        );
      }
      await s.engine.start(SignalFlow, {}, { workflowId: "seen-by-all" });
      await pages[1]?.page.waitForSelector('#run-table tr[data-run="seen-by-all"]', {
        timeout: 10_000,
      });
      await pages[0]?.page.waitForSelector('tr[data-run="seen-by-all"]', { timeout: 10_000 });
      await pages[2]?.page.waitForFunction(
        () => document.body.textContent?.includes("seen-by-all"),
        null,
        { timeout: 10_000 },
      );
      assert.equal(s.subscriptions(), 1, "four EventSources, one subscription");
      for (const { errors } of pages) assert.deepEqual(errors, []);
    });
  },
});
