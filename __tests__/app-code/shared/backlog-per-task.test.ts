import { backlogPerTask } from "../../../app-code/shared/backlog-per-task";

test("(visible + in flight) ÷ running tasks by default; visible only when asked", () => {
  expect(backlogPerTask({ visible: 90, inFlight: 10, runningTasks: 4 })).toEqual({ value: 25, backlog: 100, tasks: 4 });
  expect(backlogPerTask({ visible: 90, inFlight: 10, runningTasks: 4 }, false)).toEqual({ value: 22.5, backlog: 90, tasks: 4 });
});

test("the tail of a run: nothing visible, every task busy; visible-only reads 0", () => {
  expect(backlogPerTask({ visible: 0, inFlight: 8, runningTasks: 8 }).value).toBe(1);
  expect(backlogPerTask({ visible: 0, inFlight: 8, runningTasks: 8 }, false).value).toBe(0);
});

test("no running task: divided by 1, so a backlog still reads as a backlog", () => {
  expect(backlogPerTask({ visible: 5, inFlight: 0, runningTasks: 0 })).toEqual({ value: 5, backlog: 5, tasks: 1 });
  expect(() => backlogPerTask({ visible: -1, inFlight: 0, runningTasks: 1 })).toThrow("visible must be a finite number >= 0, got -1");
  expect(() => backlogPerTask({ visible: 1, inFlight: NaN, runningTasks: 1 })).toThrow("inFlight must be a finite number >= 0");
});
