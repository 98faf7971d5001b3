/**
 * The short version of every `npm run chaos` scenario (tools/chaos/): real worker processes (the esbuild bundle),
 * fauxqs and the fault proxy on loopback. All six run at once to keep the suite short; the full versions with the
 * issue's sizes are `npm run chaos`.
 */
import { runScenario, ScenarioResult, startChaosEnvironment } from "../../../tools/chaos/harness";
import { problems } from "../../../tools/chaos/report";
import { chaosScenarios } from "../../../tools/chaos/scenarios";

let results: Map<string, ScenarioResult>;

beforeAll(async () => {
  const env = await startChaosEnvironment();
  try {
    const done = await Promise.all(chaosScenarios("short").map((s) => runScenario(env, s)));
    results = new Map(done.map((r) => [r.name, r]));
  } finally {
    await env.close();
  }
}, 40_000);

test.each(chaosScenarios("short").map((s) => s.name))("%s: nothing lost, no valid message dead-lettered, drained", (name) => {
  const r = results.get(name)!;
  expect({ name, problems: problems(r) }).toEqual({ name, problems: [] });
  expect(r).toMatchObject({ lost: 0, dlqValid: 0, left: 0, drained: true, processed: r.sent, sigtermBadExits: 0 });
  // processed: r.sent holds vacuously for a run that sent nothing.
  expect(r.sent).toBe(chaosScenarios("short").find((s) => s.name === name)!.messages);
});

test("each fault met traffic (a fault that breaks nothing proves nothing)", () => {
  for (const name of ["refuse", "hang", "reset"]) expect({ name, broken: results.get(name)!.disruptedConnections > 0 }).toEqual({ name, broken: true });
  expect(results.get("sigkill")!.sigkills).toBeGreaterThan(0);
  // The storm's SIGTERMs plus the final stop of both workers.
  expect(results.get("sigterm")!.sigtermExitMs.length).toBeGreaterThan(2);
  const bad = results.get("bad-bodies")!;
  expect(bad.dlqBad).toBe(bad.bad);
  expect(bad.bad).toBeGreaterThan(0);
});
