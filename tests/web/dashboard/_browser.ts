/**
 * Headless Debian Chromium for the dashboard's end-to-end tests, driven by playwright-core
 * (never a browser download). Each page collects its page errors and console errors.
 *
 * @module
 */

// deno-lint-ignore no-import-prefix -- the one place of the browser tests' driver, pinned
import { chromium, type Page } from "npm:playwright-core@1.65.1";

/** Where `apt-get install chromium` puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser is installed. */
export const HAS_CHROMIUM: boolean = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** The flags Chromium runs with here. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser page and what went wrong on it. */
export interface BrowserPage {
  /** The page. */
  page: Page;
  /** Uncaught errors and console errors, as text. */
  errors: string[];
}

/**
 * Runs `fn` with a fresh browser (its own profile folder), closed afterwards.
 *
 * @param fn Receives a page factory.
 * @param options Viewport and colour scheme.
 */
export async function withBrowser(
  fn: (open: () => Promise<BrowserPage>) => Promise<void>,
  options: { width?: number; height?: number; colorScheme?: "light" | "dark" } = {},
): Promise<void> {
  const profile = await Deno.makeTempDir({ prefix: "loom-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? "light",
  });
  try {
    await fn(async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console error: ${m.text()}`);
      });
      return { page, errors };
    });
  } finally {
    await context.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Opens a path and waits until the page is hydrated.
 *
 * @param page The page.
 * @param url The URL.
 */
export async function openHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 10_000 });
}
