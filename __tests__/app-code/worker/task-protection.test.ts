/** Task protection against a local HTTP server standing in for the ECS agent endpoint. */
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { Log } from "../../../app-code/worker/src/log";
import { MAX_PROTECTION_MINUTES, protectionMinutesFor, TaskProtection } from "../../../app-code/worker/src/task-protection";
import { startStandIns, StandIns } from "../../../tools/local/aws-stand-ins";

let agent: StandIns;
const warnings: string[] = [];
const log: Log = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };

beforeAll(async () => {
  agent = await startStandIns();
});
afterAll(() => agent.close());
beforeEach(() => {
  agent.protection.length = 0;
  warnings.length = 0;
});

test("on once while held, renewed only past half its lifetime, off once", async () => {
  let now = 0;
  const p = new TaskProtection({ agentUri: agent.url, expiresInMinutes: 10, log, now: () => now });
  await p.protect();
  await p.protect();
  now = 4 * 60_000;
  await p.protect();
  expect(agent.protection).toEqual([true]);
  now = 6 * 60_000;
  await p.protect();
  expect(agent.protection).toEqual([true, true]);
  expect(p.isProtected).toBe(true);
  await p.unprotect();
  await p.unprotect();
  expect(agent.protection).toEqual([true, true, false]);
  expect(p.isProtected).toBe(false);
  expect(p.calls).toBe(3);
});

test("without ECS_AGENT_URI (local runs) it does nothing, quietly", async () => {
  const p = new TaskProtection({ agentUri: undefined, expiresInMinutes: 10, log });
  await p.protect();
  await p.unprotect();
  expect(p.calls).toBe(0);
  expect(warnings).toEqual([]);
});

test("an agent failure is logged, never thrown, and retried on the next call", async () => {
  const failing = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ failure: { Reason: "TASK_NOT_VALID" } }));
  });
  await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
  try {
    const p = new TaskProtection({ agentUri: `http://127.0.0.1:${(failing.address() as AddressInfo).port}`, expiresInMinutes: 10, log });
    await p.protect();
    await p.protect();
    expect(p.isProtected).toBe(false);
    expect(p.calls).toBe(2);
    expect(warnings).toEqual(["task protection update failed", "task protection update failed"]);
  } finally {
    failing.closeAllConnections();
    failing.close();
  }
});

test("the lifetime outlasts a whole batch run in sequence (one FIFO group), within the agent's 1..2880 minutes", () => {
  // Default settings: 1 message of up to 900 s -> 2 x 15 min.
  expect(protectionMinutesFor(1, 900)).toBe(30);
  // 10 messages of one group, 900 s each, one after the other: 150 min per batch, renewed past half -> 300.
  expect(protectionMinutesFor(10, 900)).toBe(300);
  expect(protectionMinutesFor(1, 1)).toBe(5);
  expect(protectionMinutesFor(10, 43_200)).toBe(MAX_PROTECTION_MINUTES);
});
