/**
 * The fan-out's DynamoDB records against a real DynamoDB-compatible server (dynalite on loopback): conditional
 * claims, leases, done/failed transitions and atomic counters hold under concurrent callers.
 */
import { FanoutStore } from "../../../app-code/recursive-fanout/fanout-store";
import { DynaliteServer, startDynalite } from "../../../tools/local/dynalite";

let dynalite: DynaliteServer;
let clock = 1_000_000;
let store: FanoutStore;
beforeAll(async () => {
  dynalite = await startDynalite();
  await dynalite.createFanoutTable("fanout-store");
  store = new FanoutStore(dynalite.documentClient(), { tableName: "fanout-store", ttlDays: 7, now: () => clock });
});
afterAll(() => dynalite.stop());

test("a run is seeded once, with its root claimed and counted", async () => {
  expect(await store.createRun("r1", "n0")).toBe(true);
  expect(await store.createRun("r1", "n0")).toBe(false);
  expect(await store.getRun("r1")).toMatchObject({ runId: "r1", rootNodeId: "n0", discovered: 1, completed: 0, failed: 0, pruned: 0 });
  expect(await store.getNode("r1", "n0")).toMatchObject({ status: "queued", depth: 0, expiresAt: Math.floor(clock / 1000) + 7 * 86_400 });
  expect(await store.getRun("nope")).toBeUndefined();
});

test("of many concurrent claims of one node exactly one wins", async () => {
  const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claim("r1", { nodeId: "n5", depth: 2, parentId: `n${i}` })));
  expect(claims.filter(Boolean)).toHaveLength(1);
  expect((await store.getNode("r1", "n5"))?.parentId).toBe(`n${claims.indexOf(true)}`);
});

test("a lease keeps other messages away until it expires; its own message (redelivered) takes it again", async () => {
  await store.claim("r1", { nodeId: "n6", depth: 1, parentId: "n0" });
  expect(await store.takeLease("r1", "n6", 1, "msg-a", 60_000)).toEqual({ taken: true, created: false });
  expect(await store.takeLease("r1", "n6", 1, "msg-b", 60_000)).toEqual({ taken: false, why: "leased", owner: "msg-a" });
  expect(await store.takeLease("r1", "n6", 1, "msg-a", 60_000)).toEqual({ taken: true, created: false });
  clock += 60_001;
  expect(await store.takeLease("r1", "n6", 1, "msg-b", 60_000)).toEqual({ taken: true, created: false });
  expect(await store.markDone("r1", "n6")).toBe("queued");
  expect(await store.takeLease("r1", "n6", 1, "msg-c", 60_000)).toEqual({ taken: false, why: "done" });
  // A node nobody claimed gets its record from the lease.
  expect(await store.takeLease("r1", "n77", 3, "msg-d", 60_000)).toEqual({ taken: true, created: true });
  expect(await store.getNode("r1", "n77")).toMatchObject({ status: "queued", depth: 3, leaseOwner: "msg-d" });
});

test("done and failed change a node once; a failed node that later succeeds reports it was failed", async () => {
  await store.claim("r1", { nodeId: "n8", depth: 1 });
  expect(await store.markFailed("r1", "n8")).toBe(true);
  expect(await store.markFailed("r1", "n8")).toBe(false);
  expect(await store.markDone("r1", "n8")).toBe("failed");
  expect(await store.markDone("r1", "n8")).toBeUndefined();
  expect(await store.markFailed("r1", "n8")).toBe(false);
  expect(await store.markDone("r1", "never-claimed")).toBeUndefined();
});

test("counters are atomic ADDs: concurrent increments all count; a run that does not exist is an error", async () => {
  await store.createRun("r2", "n0");
  await Promise.all(Array.from({ length: 40 }, () => store.addCounters("r2", { completed: 1, discovered: 2 })));
  await store.addCounters("r2", { failed: 1, pruned: 0 });
  expect(await store.getRun("r2")).toMatchObject({ discovered: 81, completed: 40, failed: 1, pruned: 0 });
  await expect(store.addCounters("missing", { completed: 1 })).rejects.toThrow("run missing does not exist (no #run item in table fanout-store)");
});

test("many nodes read back in one call, past BatchGetItem's 100 keys", async () => {
  const ids = Array.from({ length: 150 }, (_, i) => `m${i}`);
  await Promise.all(ids.map((nodeId) => store.claim("r3", { nodeId, depth: 1, parentId: "n0" })));
  const nodes = await store.getNodes("r3", [...ids, "absent"]);
  expect(nodes.map((n) => n.nodeId).sort()).toEqual([...ids].sort());
});
