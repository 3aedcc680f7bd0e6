import { DatabaseSync } from "node:sqlite";
function locked(path: string): boolean {
  const db = new DatabaseSync(path, { timeout: 200 });
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
    return false;
  } catch (e) {
    console.log((e as Error).message);
    return true;
  } finally {
    db.close();
  }
}
const t0 = Date.now();
console.log("locked?", locked("/tmp/exp/lock.kv"), Date.now() - t0);
await new Promise((r) => setTimeout(r, 4000));
console.log("locked?", locked("/tmp/exp/lock.kv"));
