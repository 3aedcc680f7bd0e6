import assert from "node:assert/strict";
import { createEngine } from "../../../engine/mod.ts";
import { engineBackend, startServer } from "../../../web/mod.ts";
import { setSchedulePaused, triggerSchedule } from "../../../web/dashboard/components/actions.ts";
import { inProcessApi } from "../../../web/dashboard/server/api_caller.ts";
import "../../fixtures/flows.ts";
import { TestClock } from "../../engine/behaviour/_schedules.ts";
import { HAS_CHROMIUM, openHydrated, withBrowser } from "./_browser.ts";
import { dashboardFixture, eventually } from "./_helpers.ts";

Deno.test("/schedules lists each schedule with its next and last fire and whether it is paused", async () => {
  const clock = new TestClock();
  await using d = await dashboardFixture({}, { scheduleClock: clock.read });
  const empty = await d.page("/schedules");
  assert.equal(empty.status, 200);
  assert.match(empty.html, /No schedules\. Create one with/);
  await d.engine.schedules.create({
    id: "hourly",
    cron: "0 * * * *",
    workflow: "t_seq",
    input: { n: 1 },
  });
  await d.engine.schedules.create({
    id: "tokyo",
    cron: "30 8 * * *",
    timezone: "Asia/Tokyo",
    workflow: "t_seq",
    input: { n: 0 },
  });
  const run = await d.engine.schedules.trigger("tokyo");
  await run.result();
  await d.engine.schedules.pause("tokyo");
  const p = await d.page("/schedules");
  assert.equal(p.status, 200);
  assert.match(p.html, /<a[^>]*aria-current="page"[^>]*>Schedules<\/a>|href="\/schedules"/);
  const row = (id: string) =>
    p.html.match(new RegExp(`<tr data-schedule="${id}">([\\s\\S]*?)</tr>`))?.[1] ?? "";
  assert.match(row("hourly"), /<td class="mono">0 \* \* \* \*<\/td>/);
  assert.match(row("hourly"), /datetime="2025-01-01T11:00:00.000Z"/, "next fire");
  assert.match(row("hourly"), /badge schedule-active">ACTIVE/);
  assert.match(row("hourly"), /class="schedule-pause"/);
  assert.match(row("tokyo"), /Asia\/Tokyo/);
  assert.match(row("tokyo"), /<span class="muted">paused<\/span>/);
  assert.match(row("tokyo"), /badge schedule-paused">PAUSED/);
  assert.match(row("tokyo"), /class="schedule-resume"/);
  assert.ok(row("tokyo").includes(`href="/workflows/${encodeURIComponent(run.workflowId)}"`));
  assert.match(row("tokyo"), /datetime="2025-01-01T10:00:30.000Z"/, "last fire");
  assert.deepEqual(
    (p.payload.data as { schedules: { id: string }[] }).schedules.map((s) => s.id),
    ["hourly", "tokyo"],
  );
});

Deno.test("the schedule buttons pause, resume and trigger through the API", async () => {
  await using d = await dashboardFixture();
  await d.engine.schedules.create({
    id: "s",
    cron: "0 0 * * *",
    workflow: "t_seq",
    input: { n: 0 },
  });
  const api = inProcessApi(d.app, new Request("http://localhost/schedules"));
  assert.equal((await setSchedulePaused(api, "s", "pause")).paused, true);
  assert.equal((await d.engine.schedules.get("s")).paused, true);
  assert.equal((await setSchedulePaused(api, "s", "resume")).paused, false);
  const id = await triggerSchedule(api, "s");
  assert.match(id, /^s@/);
  await d.engine.getHandle(id).result();
  await assert.rejects(triggerSchedule(api, "nope"), /Schedule "nope" not found/);
});

Deno.test({
  name: "e2e: /schedules in Chromium: pause, resume and trigger from the page, live",
  ignore: !HAS_CHROMIUM,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using engine = await createEngine({
      kvPath: ":memory:",
      pollIntervalMs: 50,
      shutdownGraceMs: 200,
    });
    await using server = await startServer(engineBackend(engine), { port: 0, heartbeatMs: 1000 });
    await engine.schedules.create({
      id: "daily",
      cron: "0 6 * * *",
      workflow: "t_seq",
      input: { n: 0 },
    });
    await withBrowser(async (open) => {
      const { page, errors } = await open();
      // The answer to the page's first read of the list (when its feed opens) is held until
      // after the pause landed: it brings the state from before the pause, which must not win.
      let releaseFirst = () => {};
      const firstHeld = Promise.withResolvers<void>();
      const listReads: string[] = [];
      await page.route(/\/api\/schedules$/, async (route) => {
        if (route.request().method() !== "GET") return route.continue();
        listReads.push(route.request().url());
        if (listReads.length > 1) return route.continue();
        const answer = await route.fetch();
        const gate = Promise.withResolvers<void>();
        releaseFirst = gate.resolve;
        firstHeld.resolve();
        await gate.promise;
        await route.fulfill({ response: answer });
      });
      const listDone: number[] = [];
      page.on("requestfinished", (r) => {
        if (/\/api\/schedules$/.test(r.url()) && r.method() === "GET") listDone.push(Date.now());
      });
      await openHydrated(page, `${server.url}/schedules`);
      await firstHeld.promise;
      const row = page.locator('tr[data-schedule="daily"]');
      await row.locator(".badge").evaluate((badge) => {
        const seen: string[] = [];
        (globalThis as unknown as { badges: string[] }).badges = seen;
        new MutationObserver(() => seen.push(badge.textContent ?? "")).observe(badge, {
          subtree: true,
          characterData: true,
          childList: true,
        });
      });
      await row.locator(".schedule-pause").click();
      await row.locator(".schedule-resume").waitFor({ timeout: 30_000 });
      releaseFirst();
      await eventually("the held read and one after the pause", () => listDone.length >= 2, 30_000);
      // Let the page handle the last answer before looking at what it showed.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
      assert.equal(await row.locator(".badge").textContent(), "PAUSED");
      assert.deepEqual(
        await page.evaluate(() => (globalThis as unknown as { badges: string[] }).badges),
        ["PAUSED"],
        "the badge never went back to ACTIVE",
      );
      assert.equal((await engine.schedules.get("daily")).paused, true);
      await row.locator(".schedule-resume").click();
      await row.locator(".schedule-pause").waitFor({ timeout: 30_000 });
      assert.equal((await engine.schedules.get("daily")).paused, false);
      await row.locator(".schedule-trigger").click();
      await page.waitForSelector("#schedule-message a", { timeout: 30_000 });
      const started = await page.textContent("#schedule-message a") ?? "";
      assert.match(started, /^daily@/);
      await engine.getHandle(started).result();
      await eventually(
        "the last run to show live",
        async () => (await row.locator(".last-fire a").textContent()) === started,
      );
      assert.deepEqual(errors, []);
    });
  },
});
