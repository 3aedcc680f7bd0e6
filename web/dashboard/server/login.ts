/**
 * Token login. With a token set, a page asked for without it redirects to `/login`, which asks
 * for the token once and keeps it in the API's `loom_token` cookie (HTTP-only, same-site
 * strict), so every page, API call and live feed of the browser carries it.
 *
 * @module
 */

import { getCookie, type MiddlewareHandler, setCookie } from "../../_deps.ts";
import { sameSecret, TOKEN_COOKIE } from "../../api/auth.ts";
import type { RoutesApp as App } from "../../api/context.ts";
import { escapeHtml, htmlDocument } from "./document.ts";

/**
 * Keeps a redirect target on this site.
 *
 * @param next The `next` parameter.
 * @returns A path on this server (`/` when it is not one).
 */
export function safeNext(next: string | null | undefined): string {
  if (next === null || next === undefined || !next.startsWith("/") || next.startsWith("//")) {
    return "/";
  }
  return next;
}

function loginPage(next: string, error: string): string {
  const body =
    `<div class="login"><form method="post" action="/login" class="login-form" id="login-form">
<h1><span class="logo" aria-hidden="true">◇</span> Loom</h1>
<p>This dashboard needs the server's token (<code>--token</code> or <code>LOOM_TOKEN</code>).</p>
<label>Token<input type="password" name="token" id="token" autocomplete="current-password" required autofocus></label>
<input type="hidden" name="next" value="${escapeHtml(next)}">
${
      error === ""
        ? ""
        : `<p class="error-text" role="alert" id="login-error">${escapeHtml(error)}</p>`
    }
<button type="submit" class="primary">Sign in</button>
</form></div>`;
  return htmlDocument({ title: "Sign in", body });
}

/**
 * Tells whether a request carries the token (header, query or cookie).
 *
 * @param req The request's header, query and cookie reads.
 * @param token The token.
 * @returns `true` when it carries the right one.
 */
async function carries(
  req: { bearer: string | undefined; query: string | undefined; cookie: string | undefined },
  token: string,
): Promise<boolean> {
  const given = req.bearer ?? req.query ?? req.cookie;
  return given !== undefined && await sameSecret(given, token);
}

/**
 * The guard of the pages: without the token, a redirect to `/login` (the API's own check then
 * answers 401 to API calls as before).
 *
 * @param token The token.
 * @returns The middleware.
 */
export function pageGuard(token: string): MiddlewareHandler {
  return async (c, next) => {
    const ok = await carries({
      bearer: c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim(),
      query: c.req.query("token"),
      cookie: getCookie(c, TOKEN_COOKIE),
    }, token);
    if (!ok) {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
    }
    await next();
    return undefined;
  };
}

/**
 * Registers `/login` and `/logout` (before the API's token check, so they answer without it).
 *
 * @param app The app.
 * @param token The token, or `undefined` when the server has none.
 */
export function loginRoutes(app: App, token: string | undefined): void {
  app.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    if (token === undefined) return c.redirect(next, 303);
    return c.html(loginPage(next, ""));
  });
  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : "/");
    if (token === undefined) return c.redirect(next, 303);
    const given = typeof form.token === "string" ? form.token : "";
    if (given === "" || !(await sameSecret(given, token))) {
      return c.html(loginPage(next, given === "" ? "Enter the token" : "Wrong token"), 401);
    }
    setCookie(c, TOKEN_COOKIE, given, { httpOnly: true, sameSite: "Strict", path: "/" });
    return c.redirect(next, 303);
  });
  app.get("/logout", (c) => {
    setCookie(c, TOKEN_COOKIE, "", { httpOnly: true, sameSite: "Strict", path: "/", maxAge: 0 });
    return c.redirect("/login", 303);
  });
}
