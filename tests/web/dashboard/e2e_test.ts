import assert from "node:assert/strict";
import { createEngine, type Engine } from "../../../engine/mod.ts";
import { engineBackend, type LoomServer, startServer } from "../../../web/mod.ts";
import { SignalFlow, SleepFlow } from "../../fixtures/flows.ts";
import { ShipFlow } from "../../fixtures/dashboard_flows.ts";
import { HAS_CHROMIUM, openHydrated, withBrowser } from "./_browser.ts";
import { eventually } from "./_helpers.ts";

if (!HAS_CHROMIUM) {
  console.log(
    "Skipping the dashboard's browser tests: /usr/bin/chromium is absent (apt-get install -y chromium; .ci/setup does it)",
  );
}

const options = { ignore: !HAS_CHROMIUM, sanitizeOps: false, sanitizeResources: false };

async function serve(
  token?: string,
): Promise<{ engine: Engine; server: LoomServer } & AsyncDisposable> {
  const engine = await createEngine({
    kvPath: ":memory:",
    pollIntervalMs: 50,
    shutdownGraceMs: 200,
  });
  const server = await startServer(engineBackend(engine), {
    port: 0,
    heartbeatMs: 1000,
    ...(token === undefined ? {} : { token }),
  });
  return {
    engine,
    server,
    async [Symbol.asyncDispose]() {
      await server.close();
      await engine.close();
    },
  };
}

async function waiting(engine: Engine, id: string): Promise<void> {
  await eventually(
    `${id} to wait for a signal`,
    async () => (await engine.reader.eventsOf(id)).some((e) => e.type === "SIGNAL_WAITING"),
  );
}

Deno.test({
  ...options,
  name:
    "e2e: every page renders and hydrates in Chromium with no page or console error, and live pages connect",
  async fn() {
    await using s = await serve();
    await s.engine.start(ShipFlow, { id: "E1" }, { workflowId: "ship-e" });
    await waiting(s.engine, "ship-e");
    await (await s.engine.start(SleepFlow, { ms: 1 }, { workflowId: "slept" })).result();
    const paths = [
      "/",
      "/workflows",
      "/workflows/ship-e",
      "/workflows/ship-e?tab=graph",
      "/workflows/slept?tab=state",
      "/definitions",
      "/definitions/d_ship_order",
      "/schedules",
      "/tasks",
      "/events",
      "/logs",
      "/stats",
      "/compare?a=ship-e&b=slept",
    ];
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      for (const path of paths) {
        await openHydrated(page, `${s.server.url}${path}`);
        const live = path.startsWith("/definitions/") || !/^\/(definitions|compare)/.test(path);
        if (live && path !== "/workflows/slept?tab=state") {
          await page.waitForFunction(
            () => document.getElementById("feed-state")?.textContent?.includes("live"),
            null,
            { timeout: 10_000 },
          );
        }
        assert.deepEqual(errors, [], `${path}: ${errors.join("; ")}`);
      }
      await openHydrated(page, `${s.server.url}/`);
      await page.waitForSelector(".chart-live[data-drawn=uplot] canvas", { timeout: 10_000 });
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name:
    "e2e: a run started from a definition's page (JSON checked first) finishes live, without a reload",
  async fn() {
    await using s = await serve();
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await openHydrated(page, `${s.server.url}/definitions/t_sleep`);
      await page.fill("#start-input", '{"ms": 700');
      await page.waitForSelector("#start-error");
      assert.match(await page.textContent("#start-error") ?? "", /Invalid JSON/);
      assert.equal(await page.isDisabled("#start-submit"), true);
      // Long enough that the run is still sleeping when its page has loaded under CI's load
      // (at 700 ms it had completed before the page was read).
      await page.fill("#start-input", '{"ms": 6000}');
      await page.waitForSelector("#start-error", { state: "detached" });
      await Promise.all([page.waitForURL(/\/workflows\/[^/?]+$/), page.click("#start-submit")]);
      await page.waitForSelector('html[data-hydrated="true"]');
      await page.evaluate(() => (globalThis as unknown as { marker: number }).marker = 42);
      const badge = page.locator("h1 .badge");
      assert.equal(await badge.textContent(), "RUNNING");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "COMPLETED",
        null,
        { timeout: 30_000 },
      );
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
        42,
        "no reload",
      );
      await Promise.all([page.waitForURL(/tab=state/), page.click("#tab-state")]);
      assert.match(await page.textContent("#run-state") ?? "", /"after"/);
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name: "e2e: run list filters live in the URL and survive a reload; new runs appear live",
  async fn() {
    await using s = await serve();
    for (let i = 0; i < 3; i++) await s.engine.start(SignalFlow, {}, { workflowId: `keep-${i}` });
    await (await s.engine.start(SleepFlow, { ms: 1 }, { workflowId: "other-1" })).result();
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await openHydrated(page, `${s.server.url}/workflows`);
      await page.selectOption('select[name="status"]', "RUNNING");
      await page.fill('input[name="id"]', "keep-");
      // The page re-renders every second (ages) and on live changes: what is typed stays.
      await s.engine.start(SignalFlow, {}, { workflowId: "meanwhile" });
      await page.waitForTimeout(1500);
      assert.equal(await page.inputValue('select[name="status"]'), "RUNNING");
      assert.equal(await page.inputValue('input[name="id"]'), "keep-");
      await Promise.all([
        page.waitForURL(/status=RUNNING/),
        page.click('#run-filters button[type="submit"]'),
      ]);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get("status"), "RUNNING");
      assert.equal(url.searchParams.get("id"), "keep-");
      await page.reload();
      await page.waitForSelector('html[data-hydrated="true"]');
      assert.equal(await page.inputValue('select[name="status"]'), "RUNNING");
      assert.equal(await page.inputValue('input[name="id"]'), "keep-");
      const ids = () =>
        page.$$eval(
          "#run-table tr[data-run]",
          (rows) => rows.map((r) => r.getAttribute("data-run")),
        );
      assert.deepEqual(await ids(), ["keep-2", "keep-1", "keep-0"]);
      await page.waitForFunction(() =>
        document.getElementById("feed-state")?.textContent?.includes("live")
      );
      await s.engine.start(SignalFlow, {}, { workflowId: "keep-new" });
      await s.engine.start(SignalFlow, {}, { workflowId: "not-shown" });
      await page.waitForSelector('#run-table tr[data-run="keep-new"]', { timeout: 10_000 });
      assert.deepEqual(await ids(), ["keep-new", "keep-2", "keep-1", "keep-0"]);
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name: "e2e: signal and cancel from a run's page, and the graph's status overlay follows live",
  async fn() {
    await using s = await serve();
    await s.engine.start(ShipFlow, { id: "S1" }, { workflowId: "ship-s" });
    await s.engine.start(SignalFlow, {}, { workflowId: "to-cancel" });
    await waiting(s.engine, "ship-s");
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await openHydrated(page, `${s.server.url}/workflows/ship-s?tab=graph`);
      const status = (node: string) => page.getAttribute(`g[data-node="${node}"]`, "data-status");
      assert.equal(await status("step_prepareOrder"), "done");
      assert.equal(await status("step_approve"), "waiting");
      assert.equal(await status("signal_approve_approve"), "waiting");
      assert.equal(await status("step_shipOrder"), "not-reached");
      await page.waitForFunction(() =>
        document.getElementById("feed-state")?.textContent?.includes("live")
      );
      await page.click("#signal-open");
      assert.equal(
        await page.inputValue('#signal-form input[name="signal"]'),
        "approve",
        "the waiting signal is offered",
      );
      await page.fill('#signal-form textarea[name="data"]', "{by: 1}");
      await page.click("#signal-send");
      assert.match(await page.textContent("#action-error") ?? "", /Invalid JSON/);
      await page.fill('#signal-form textarea[name="data"]', '{"by": "browser"}');
      await page.click("#signal-send");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "COMPLETED",
        null,
        { timeout: 10_000 },
      );
      await page.waitForFunction(() =>
        document.querySelector('g[data-node="step_shipOrder"]')?.getAttribute("data-status") ===
          "done"
      );
      assert.equal(await status("step_approve"), "done");
      assert.equal(await status("signal_approve_approve"), "done");
      assert.ok(
        await page.$('g[data-node="activity_d_ship_shipOrder"][data-status="done"]'),
        "a node the run added, live",
      );
      const result = await s.engine.getHandle("ship-s").result() as { approvedBy: string };
      assert.equal(result.approvedBy, "browser");

      await openHydrated(page, `${s.server.url}/workflows/to-cancel`);
      await page.waitForFunction(() =>
        document.getElementById("feed-state")?.textContent?.includes("live")
      );
      await page.click("#cancel-open");
      await page.click("#cancel-confirm");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "CANCELLED",
        null,
        { timeout: 10_000 },
      );
      assert.equal(await s.engine.getHandle("to-cancel").status(), "CANCELLED");
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name: "e2e: cancel every run that matches the filter, with a confirmation and progress",
  async fn() {
    await using s = await serve();
    for (let i = 0; i < 12; i++) {
      await s.engine.start(SignalFlow, {}, { workflowId: `bulk-${String(i).padStart(2, "0")}` });
    }
    await s.engine.start(SignalFlow, {}, { workflowId: "spared" });
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await openHydrated(page, `${s.server.url}/workflows?id=bulk-`);
      await page.click("#bulk-cancel-open");
      await page.waitForSelector("#bulk-q");
      assert.equal(
        await page.textContent("#bulk-q"),
        "Cancel 12 running runs matching this filter?",
      );
      await page.click("#bulk-cancel-confirm");
      await page.waitForFunction(
        () =>
          document.getElementById("bulk-progress")?.textContent?.includes(
            "12 of 12 cancelled · done",
          ),
        null,
        { timeout: 15_000 },
      );
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll("#run-table tr[data-run]")].every((r) =>
            r.getAttribute("data-status") === "CANCELLED"
          ),
        null,
        { timeout: 10_000 },
      );
      assert.equal(await s.engine.getHandle("spared").status(), "RUNNING");
      assert.equal(await s.engine.getHandle("bulk-07").status(), "CANCELLED");
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name:
    "e2e: with a token, the dashboard asks for it once, then pages, actions and the live feed carry it",
  async fn() {
    await using s = await serve("t0ken-e2e");
    await s.engine.start(SignalFlow, {}, { workflowId: "guarded" });
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await page.goto(`${s.server.url}/workflows/guarded`);
      assert.match(page.url(), /\/login\?next=%2Fworkflows%2Fguarded$/);
      await page.fill("#token", "wrong");
      await page.click('#login-form button[type="submit"]');
      assert.match(await page.textContent("#login-error") ?? "", /Wrong token/);
      errors.length = 0; // the 401 of the wrong token is the browser's own console line
      await page.fill("#token", "t0ken-e2e");
      await Promise.all([
        page.waitForURL(/\/workflows\/guarded$/),
        page.click('#login-form button[type="submit"]'),
      ]);
      await page.waitForSelector('html[data-hydrated="true"]');
      await page.waitForFunction(() =>
        document.getElementById("feed-state")?.textContent?.includes("live")
      );
      await page.click("#cancel-open");
      await page.click("#cancel-confirm");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "CANCELLED",
        null,
        { timeout: 10_000 },
      );
      await openHydrated(page, `${s.server.url}/stats`);
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  ...options,
  name:
    "e2e: keyboard reachable, dark from the system, and a phone's width without sideways scrolling",
  async fn() {
    await using s = await serve();
    await s.engine.start(ShipFlow, { id: "K1" }, { workflowId: "ship-k" });
    await waiting(s.engine, "ship-k");
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      await openHydrated(page, `${s.server.url}/workflows/ship-k`);
      const duration = await page.textContent("#run-duration");
      await page.waitForFunction(
        (before) => document.getElementById("run-duration")?.textContent !== before,
        duration,
        { timeout: 5000 },
      );
      assert.match(
        await page.textContent("#run-duration") ?? "",
        /so far$/,
        "a running run's duration ticks",
      );
      await page.keyboard.press("Tab");
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent),
        "Skip to content",
      );
      await page.keyboard.press("Tab");
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent?.trim()),
        "◇ Loom",
      );
      await page.focus("#signal-open");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#signal-form");
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute("name")),
        "signal",
      );
      await page.keyboard.press("Tab");
      await page.keyboard.type('{"by": "keys"}');
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        () => document.querySelector("h1 .badge")?.textContent === "COMPLETED",
        null,
        { timeout: 10_000 },
      );
      assert.deepEqual(errors, []);
    });
    const background = async (scheme: "light" | "dark") => {
      let color = "";
      await withBrowser(async (open) => {
        const { page } = await open();
        await openHydrated(page, `${s.server.url}/`);
        color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      }, { colorScheme: scheme });
      return color;
    };
    assert.equal(await background("light"), "rgb(246, 247, 249)");
    assert.equal(await background("dark"), "rgb(15, 18, 23)");
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      for (
        const path of [
          "/",
          "/workflows",
          "/workflows/ship-k",
          "/workflows/ship-k?tab=graph",
          "/definitions/d_ship_order",
          "/tasks",
          "/events",
          "/logs",
          "/stats",
          "/compare?a=ship-k&b=ship-k",
        ]
      ) {
        await openHydrated(page, `${s.server.url}${path}`);
        const [scroll, inner] = await page.evaluate(
          () => [document.documentElement.scrollWidth, innerWidth],
        );
        assert.ok(scroll <= inner, `${path} scrolls sideways on a phone: ${scroll} > ${inner}`);
        // A message keeps a readable width (its table scrolls sideways inside its frame).
        const widths = await page.evaluate(() =>
          [...document.querySelectorAll("td.message")].map((td) => td.getBoundingClientRect().width)
        );
        if (path === "/events") assert.ok(widths.length > 0, "/events lists messages");
        for (const w of widths) assert.ok(w >= 200, `${path}: a message is ${w}px wide on a phone`);
      }
      assert.deepEqual(errors, []);
    }, { width: 390, height: 844 });
  },
});
