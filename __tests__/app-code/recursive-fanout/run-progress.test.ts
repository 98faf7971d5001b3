import { runProgress } from "../../../app-code/recursive-fanout/run-progress";

const empty = { visible: 0, inFlight: 0, delayed: 0 };

test("complete only when every discovered node settled and nothing is visible, in flight or delayed", () => {
  expect(runProgress({ discovered: 10, completed: 9, failed: 1, pruned: 0 }, empty)).toMatchObject({ state: "complete", outstanding: 0, percent: 100 });
  expect(runProgress({ discovered: 10, completed: 10, failed: 0, pruned: 0 }, { ...empty, inFlight: 1 })).toMatchObject({ state: "running" });
  expect(runProgress({ discovered: 10, completed: 10, failed: 0, pruned: 0 }, { ...empty, delayed: 1 })).toMatchObject({ state: "running" });
  expect(runProgress({ discovered: 40, completed: 10, failed: 0, pruned: 0 }, { ...empty, visible: 30 })).toMatchObject({ state: "running", outstanding: 30, percent: 25 });
});

test("an empty queue with counters that disagree is reported as stalled, with the difference and its likely cause", () => {
  const short = runProgress({ discovered: 10, completed: 8, failed: 0, pruned: 0 }, empty);
  expect(short).toMatchObject({ state: "stalled", outstanding: 2 });
  expect(short.summary).toContain("2 discovered node(s) neither completed nor failed");
  const over = runProgress({ discovered: 10, completed: 11, failed: 0, pruned: 0 }, empty);
  expect(over).toMatchObject({ state: "stalled", outstanding: -1 });
  expect(over.summary).toContain("1 more node(s) settled than were counted as discovered");
});
