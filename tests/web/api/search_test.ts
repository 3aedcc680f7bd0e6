import assert from "node:assert/strict";
import { ShipFlow } from "../../fixtures/dashboard_flows.ts";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";
import { eventually } from "../dashboard/_helpers.ts";
import { apiFixture } from "../_helpers.ts";

type Page = {
  data: { id: string; matched_in?: string[] }[];
  meta: { next_cursor: string | null; scanned?: number; has_next: boolean; total: number | null };
};

async function fixture() {
  const api = await apiFixture();
  await api.engine.start(ShipFlow, { id: "ORD-777" }, { workflowId: "ship-a" });
  await api.engine.start(ShipFlow, { id: "ORD-888" }, { workflowId: "ship-b" });
  await (await api.engine.start(ClassFlow, { x: 3 }, { workflowId: "cls" })).result();
  for (let i = 0; i < 5; i++) await api.engine.start(SignalFlow, {}, { workflowId: `sig-${i}` });
  for (const id of ["ship-a", "ship-b"]) {
    await eventually(
      `${id} to wait`,
      async () => (await api.engine.reader.eventsOf(id)).some((e) => e.type === "SIGNAL_WAITING"),
    );
  }
  return api;
}

Deno.test("GET /api/workflows?search= matches a run's input, state and log lines on the server, in any case, with the other filters", async () => {
  await using api = await fixture();
  const search = async (q: string) => (await api.json<Page>(`/api/workflows?${q}`)).body;
  const byInput = await search("search=ord-777");
  assert.deepEqual(byInput.data.map((r) => [r.id, r.matched_in]), [["ship-a", [
    "input",
    "state",
    "logs",
  ]]]);
  assert.equal(byInput.meta.scanned, 8);
  assert.equal(byInput.meta.next_cursor, null, "every run examined");
  assert.equal(byInput.meta.total, null);
  const byState = await search("search=PREPARED%20ORD-888");
  assert.deepEqual(byState.data.map((r) => [r.id, r.matched_in]), [["ship-b", ["state", "logs"]]]);
  const byLog = await search("search=second%20step%20done");
  assert.deepEqual(byLog.data.map((r) => [r.id, r.matched_in]), [["cls", ["logs"]]]);
  const byId = await search("search=sig-3");
  assert.deepEqual(byId.data.map((r) => r.id), ["sig-3"]);
  // With the other filters: only running runs named d_ship_order are examined.
  const filtered = await search("search=ord&workflow=d_ship_order&status=RUNNING");
  assert.deepEqual(filtered.data.map((r) => r.id), ["ship-b", "ship-a"]);
  assert.equal(filtered.meta.scanned, 2);
  assert.deepEqual((await search("search=nothing-like-this")).data, []);
});

Deno.test("a search examines at most scan_limit runs per page, and its cursor continues after the last one examined", async () => {
  await using api = await fixture();
  const seen: string[] = [];
  const scanned: number[] = [];
  let cursor: string | null = null;
  let calls = 0;
  do {
    const q: string = `/api/workflows?search=sig-&scan_limit=3${
      cursor === null ? "" : `&cursor=${cursor}`
    }`;
    const { status, body } = await api.json<Page>(q);
    assert.equal(status, 200);
    seen.push(...body.data.map((r) => r.id));
    scanned.push(body.meta.scanned ?? -1);
    cursor = body.meta.next_cursor;
    assert.equal(body.meta.has_next, cursor !== null);
  } while (cursor !== null && ++calls < 10);
  assert.deepEqual(scanned, [3, 3, 2]);
  assert.deepEqual(
    seen,
    ["sig-4", "sig-3", "sig-2", "sig-1", "sig-0"],
    "each match once, in order",
  );
  // per_page bounds the matches: the cursor then continues after the last match.
  const first = (await api.json<Page>("/api/workflows?search=sig-&per_page=2")).body;
  assert.deepEqual(first.data.map((r) => r.id), ["sig-4", "sig-3"]);
  const rest = (await api.json<Page>(`/api/workflows?search=sig-&cursor=${first.meta.next_cursor}`))
    .body;
  assert.deepEqual(rest.data.map((r) => r.id), ["sig-2", "sig-1", "sig-0"]);
});

Deno.test("a search refuses offset pages, other sorts, a cursor of another query and a scan_limit out of range (400)", async () => {
  await using api = await fixture();
  for (
    const q of [
      "search=x&page=2",
      "search=x&sort_by=name",
      "search=x&scan_limit=0",
      "search=x&scan_limit=100000",
    ]
  ) {
    const { status, body } = await api.json<{ code: string; message: string }>(
      `/api/workflows?${q}`,
    );
    assert.equal(status, 400, q);
    assert.match(body.message, /search|scan_limit/, q);
  }
  const other =
    (await api.json<Page>("/api/workflows?search=sig-&per_page=1")).body.meta.next_cursor;
  const { status } = await api.json(`/api/workflows?search=ord&cursor=${other}`);
  assert.equal(status, 400);
});
