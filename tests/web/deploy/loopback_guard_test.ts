import assert from "node:assert/strict";
import { refuseRemote } from "../../../web/deploy/mod.ts";

const from = (hostname: string) => ({ remoteAddr: { transport: "tcp", hostname, port: 40000 } });

Deno.test("refuseRemote: without a token, loopback callers go on and others get 403 FORBIDDEN", async () => {
  const req = () => new Request("http://example.com/api/workflows");
  for (const host of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "localhost"]) {
    assert.equal(refuseRemote(req(), from(host), undefined), undefined, host);
  }
  for (const host of ["203.0.113.7", "10.0.0.5", "::ffff:10.0.0.5", "2001:db8::1", "0.0.0.0"]) {
    const res = refuseRemote(req(), from(host), undefined);
    assert.equal(res?.status, 403, host);
    const body = await res?.json();
    assert.equal(body.code, "FORBIDDEN");
    assert.equal(
      body.message,
      `This Loom server has no token, so it answers only callers on this machine, not "${host}": set LOOM_TOKEN to serve others (they then send "Authorization: Bearer <token>")`,
    );
  }
});

Deno.test("refuseRemote: a caller whose address is unknown is refused; a Unix socket is local", () => {
  const req = new Request("http://example.com/");
  assert.equal(refuseRemote(req, undefined, undefined)?.status, 403);
  assert.equal(
    refuseRemote(req, { remoteAddr: { transport: "vsock", cid: 3 } }, undefined)?.status,
    403,
  );
  assert.equal(
    refuseRemote(req, { remoteAddr: { transport: "unix", path: "/tmp/s" } }, undefined),
    undefined,
  );
});

Deno.test("refuseRemote: with a token everyone goes on (the app asks for it); /health is open", () => {
  assert.equal(
    refuseRemote(new Request("http://example.com/api/workflows"), from("203.0.113.7"), "t"),
    undefined,
  );
  assert.equal(
    refuseRemote(new Request("http://example.com/health"), from("203.0.113.7"), undefined),
    undefined,
  );
});
