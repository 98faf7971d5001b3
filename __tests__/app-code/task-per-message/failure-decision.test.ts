import { decideStoppedTask, TaskStateDetail } from "../../../app-code/task-per-message/failure-decision";
import { jobEnvironment } from "../../../app-code/task-per-message/job-message";

const job = { id: "video-42", input: "s3://uploads/42.mp4", duration: 0, failAttempts: 0 };
const options = { containerName: "job", maxAttempts: 3, startedBy: "sqs-task-launcher" };

function stopped(attempt: number, stop: Partial<TaskStateDetail> & { exitCode?: number }): TaskStateDetail {
  const { exitCode, ...rest } = stop;
  return {
    taskArn: "arn:aws:ecs:us-east-1:123456789012:task/core-infra/abc",
    lastStatus: "STOPPED",
    startedBy: "sqs-task-launcher",
    group: "family:jobs",
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    containers: [{ name: "job", ...(exitCode === undefined ? {} : { exitCode }) }],
    overrides: { containerOverrides: [{ name: "job", environment: jobEnvironment(job, { attempt, messageId: "m-1" }) }] },
    ...rest,
  };
}

test("the job container's own exit 0 is the only success", () => {
  expect(decideStoppedTask(stopped(1, { exitCode: 0 }), options)).toEqual({ action: "succeeded", job, attempt: 1 });
});

test("a non-zero exit is retried with attempt + 1", () => {
  expect(decideStoppedTask(stopped(1, { exitCode: 1 }), options)).toEqual({
    action: "retry",
    job,
    attempt: 1,
    nextAttempt: 2,
    reason: "container job exited with code 1",
  });
});

test("stops that are not the container's own clean exit are failures, even with exit code 0", () => {
  const spot = decideStoppedTask(stopped(1, { exitCode: 0, stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted." }), options);
  expect(spot).toMatchObject({ action: "retry", nextAttempt: 2, reason: "task stopped by SpotInterruption (Your Spot Task was interrupted.), container job exit code 0" });
  // A task that never started has no exit code at all.
  const neverStarted = decideStoppedTask(stopped(2, { stopCode: "TaskFailedToStart", stoppedReason: "CannotPullContainerError" }), options);
  expect(neverStarted).toMatchObject({ action: "retry", nextAttempt: 3, reason: expect.stringContaining("TaskFailedToStart (CannotPullContainerError), container job no exit code") });
  expect(decideStoppedTask(stopped(1, { stopCode: "UserInitiated", exitCode: 143 }), options)).toMatchObject({ action: "retry" });
  // EssentialContainerExited because another essential container exited: the job container has no exit code.
  expect(decideStoppedTask(stopped(1, {}), options)).toMatchObject({ action: "retry", reason: "container job has no exit code" });
  expect(decideStoppedTask(stopped(1, { containers: [{ name: "sidecar", exitCode: 0 }] }), options)).toMatchObject({
    action: "retry",
    reason: expect.stringContaining("task has no container named job"),
  });
});

test("after maxAttempts the job is dead-lettered, not retried", () => {
  expect(decideStoppedTask(stopped(3, { exitCode: 2 }), options)).toEqual({
    action: "dead-letter",
    job,
    attempt: 3,
    reason: "attempt 3 of 3 failed: container job exited with code 2",
  });
  expect(decideStoppedTask(stopped(1, { exitCode: 2 }), { ...options, maxAttempts: 1 })).toMatchObject({ action: "dead-letter" });
});

test("a failed task whose job cannot be read back goes to the DLQ as the event, not dropped", () => {
  const decision = decideStoppedTask(stopped(1, { exitCode: 1, overrides: { containerOverrides: [{ name: "job" }] } }), options);
  expect(decision).toEqual({ action: "dead-letter-event", reason: "container job exited with code 1; job not readable from the task's overrides: environment lacks JOB_ID, JOB_INPUT, JOB_ATTEMPT" });
  // A successful one needs nothing.
  expect(decideStoppedTask(stopped(1, { exitCode: 0, overrides: {} }), options)).toEqual({ action: "succeeded" });
});

test("events that are not a STOPPED task of the launcher are ignored", () => {
  expect(decideStoppedTask(stopped(1, { exitCode: 1, lastStatus: "RUNNING" }), options)).toMatchObject({ action: "ignore", reason: 'lastStatus is "RUNNING", not STOPPED' });
  expect(decideStoppedTask(stopped(1, { exitCode: 1, startedBy: "someone" }), options)).toMatchObject({ action: "ignore" });
});
