import { testSettings } from "../../helpers";
import { SyntheticTree } from "../../../app-code/recursive-fanout/synthetic-tree";
import { treeShapeOf } from "../../../src/settings/sqs-recursive-fanout";
import { simulate } from "../../../tools/simulator/model";
import { FanoutSpec, recursiveFanoutStrategy } from "../../../tools/simulator/recursive-fanout";
import { QUEUE_DEPTH, StrategySpec, validateStrategy } from "../../../tools/simulator/strategies";
import { makeWorkload, treeWorkload, workloadFrom } from "../../../tools/simulator/workloads";

const stack = (overrides: Record<string, unknown> = {}) => recursiveFanoutStrategy(testSettings("sqs-recursive-fanout", overrides));
const withSpec = (s: StrategySpec, change: Partial<FanoutSpec>): StrategySpec => ({
  ...s,
  fanout: { ...s.fanout!, ...change },
  maxCapacity: change.maxParallelNodes ?? s.maxCapacity,
});
const small = {
  branching: 2,
  depth: 3,
  extraEdgeRate: 0,
  nodeTimeMinSeconds: 2,
  nodeTimeMaxSeconds: 2,
};

test("the strategy is the stack's target, cooldowns, bounds and backlog numerator", () => {
  const s = stack({
    maxParallelNodes: 12,
    targetBacklogPerTask: 7,
    scaleOutCooldownSeconds: 30,
    scaleInCooldownSeconds: 600,
    countInFlight: false,
    maxDepth: 9,
  });
  expect(s.fanout).toEqual({
    maxParallelNodes: 12,
    targetBacklogPerTask: 7,
    scaleOutCooldownSeconds: 30,
    scaleInCooldownSeconds: 600,
    publisherEverySeconds: 60,
    countInFlight: false,
    maxDepth: 9,
  });
  expect([s.minCapacity, s.maxCapacity]).toEqual([1, 12]);
  expect(validateStrategy(s)).toEqual([]);
  expect(() => stack({ publisherSchedule: "rate(5 minutes)" })).toThrow(
    'publisherSchedule "rate(5 minutes)" cannot be simulated; allowed here: rate(1 minute)'
  );
});

test("the tree workload: each node once, sent when its parent would post it at unlimited parallelism", () => {
  const w = treeWorkload({ horizonSeconds: 86_400, seed: 1 }, small, 100);
  expect(w.arrivals.length).toBe(15);
  expect(w.arrivals[0]).toBe(100);
  // Depth 3 at 2 s per node: the last level is sent 6 s after the root.
  expect(w.arrivals[14]).toBe(106);
  expect(w.tree).toEqual({ shape: { ...small, seed: 1 }, rootAt: 100 });
  const built = makeWorkload("tree", { horizonSeconds: 86_400, seed: 1 });
  const s = testSettings("sqs-recursive-fanout");
  expect(built.arrivals.length).toBe(new SyntheticTree(treeShapeOf(s, 1)).size);
});

test("the fan-out generates the tree from processing: one task alone takes the sum of the node times", () => {
  const w = treeWorkload({ horizonSeconds: 3600, seed: 1 }, small, 0);
  // A target no backlog reaches: the service stays at its one task.
  const r = simulate(w, withSpec(stack(), { targetBacklogPerTask: 100_000 }), {
    horizonSeconds: 3600,
  });
  expect(r.fanout!.nodes).toBe(15);
  expect(r.deleted).toBe(15);
  expect(r.fanout!.makespanSeconds).toBeGreaterThanOrEqual(30);
  expect(r.fanout!.makespanSeconds).toBeLessThan(30 + 15 * 0.1 + 1e-6);
  expect(r.peakTasks).toBe(1);
});

test("extra edges (cycles, cross edges, repeats) are absorbed by the claim: every node is processed once", () => {
  const w = treeWorkload({ horizonSeconds: 3600, seed: 3 }, { ...small, extraEdgeRate: 1 }, 0);
  const r = simulate(w, stack(), { horizonSeconds: 3600 });
  expect(r.fanout!.nodes).toBe(15);
  expect(r.fanout!.duplicateEdges).toBeGreaterThan(15);
  expect(r.duplicates).toBe(0);
});

test("the publisher's live sample is the shared formula; target tracking scales out after 3 datapoints, within bounds", () => {
  const w = workloadFrom(
    "leaves",
    "600 leaf nodes of 60 s",
    Array.from({ length: 600 }, () => [0, 60] as [number, number])
  );
  const r = simulate(w, stack({ maxParallelNodes: 50, targetBacklogPerTask: 30 }), { horizonSeconds: 2 * 3600 });
  // End of minute 0: 599 visible + 1 in flight over max(1 running, 1).
  expect(r.series.metric[0]).toBe(600);
  expect(r.series.desired[1]).toBe(1);
  expect(r.series.desired[2]).toBe(20);
  const visibleOnly = simulate(w, stack({ countInFlight: false }), {
    horizonSeconds: 600,
  });
  expect(visibleOnly.series.metric[0]).toBe(599);
  expect(Math.max(...r.series.desired)).toBeLessThanOrEqual(50);
  expect(Math.min(...r.series.desired)).toBeGreaterThanOrEqual(1);
  expect(r.deleted).toBe(600);
});

test("on the default tree scaling out shortens the makespan; a service strategy gets a makespan of the replayed stream", () => {
  const o = { horizonSeconds: 2 * 3600 };
  const w = makeWorkload("tree", { ...o, seed: 1 });
  const fan = simulate(w, stack(), o);
  const one = simulate(w, withSpec(stack(), { maxParallelNodes: 1 }), o);
  expect(fan.fanout!.makespanSeconds).toBeLessThan(one.fanout!.makespanSeconds / 5);
  expect(simulate(w, stack(), o)).toEqual(fan);
  const replayed = simulate(w, QUEUE_DEPTH, o);
  expect(replayed.fanout!.makespanSeconds).toBeGreaterThan(0);
  expect(replayed.deleted).toBe(w.arrivals.length);
});
