import {
  clientTokenFor,
  jobBody,
  jobEnvironment,
  jobFromEnvironment,
  jobOverrides,
  MAX_OVERRIDES_CHARS,
  parseAttempt,
  parseJobBody,
} from "../../../app-code/task-per-message/job-message";

const job = { id: "video-42", input: "s3://uploads/videos/42.mp4", duration: 1.5, failAttempts: 0 };

test("a valid body gives the job, with defaults for the demo fields", () => {
  expect(parseJobBody(JSON.stringify({ id: "a", input: "s3://b/c" }))).toEqual({ ok: true, value: { id: "a", input: "s3://b/c", duration: 0, failAttempts: 0 } });
  expect(parseJobBody(JSON.stringify(job))).toEqual({ ok: true, value: job });
});

test.each([
  [undefined, "empty body"],
  ["", "body is not JSON"],
  ["not json", "body is not JSON"],
  ["[1]", "body is not a JSON object"],
  ['{"input":"s3://b/c"}', "id is missing"],
  ['{"id":"a"}', "input is missing"],
  ['{"id":"a","input":"  "}', 'input "  " is not a non-empty string'],
  ['{"id":"a b;c","input":"x"}', 'id "a b;c" is invalid'],
  ['{"id":"aws:x","input":"x"}', 'id "aws:x" is invalid'],
  [JSON.stringify({ id: "x".repeat(129), input: "x" }), "is invalid: expected 1-128"],
  ['{"id":"a","input":"x","duration":-1}', "duration -1 is invalid: expected seconds from 0 up to 86400"],
  ['{"id":"a","input":"x","duration":"5"}', 'duration "5" is invalid'],
  ['{"id":"a","input":"x","failAttempts":1.5}', "failAttempts 1.5 is invalid"],
  ['{"id":"a","input":"x","payload":"…"}', 'unknown field(s) "payload" (allowed: id, input, duration, failAttempts)'],
])("body %j is rejected: %s", (body, reason) => {
  const parsed = parseJobBody(body);
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.reason).toContain(reason);
});

test("the environment carries the job and its launch, and reads back to the same", () => {
  const launch = { attempt: 2, messageId: "0b5e1a3c-9d7f-4f55-8a0e-2c6f7f3d1e11" };
  const env = jobEnvironment(job, launch);
  expect(env).toEqual([
    { name: "JOB_ID", value: "video-42" },
    { name: "JOB_INPUT", value: "s3://uploads/videos/42.mp4" },
    { name: "JOB_DURATION_SECONDS", value: "1.5" },
    { name: "JOB_FAIL_ATTEMPTS", value: "0" },
    { name: "JOB_ATTEMPT", value: "2" },
    { name: "JOB_MESSAGE_ID", value: launch.messageId },
  ]);
  expect(jobFromEnvironment(env)).toEqual({ ok: true, value: { job, launch } });
  // The container reads the same from process.env.
  expect(jobFromEnvironment(Object.fromEntries(env.map((e) => [e.name, e.value])))).toEqual({ ok: true, value: { job, launch } });
  expect(JSON.parse(jobBody(job))).toEqual(job);
});

test("an environment without the job, or with a bad value, says what is wrong", () => {
  expect(jobFromEnvironment([])).toEqual({ ok: false, reason: "environment lacks JOB_ID, JOB_INPUT, JOB_ATTEMPT" });
  const env = jobEnvironment(job, { attempt: 1, messageId: "m" }).map((e) => (e.name === "JOB_ATTEMPT" ? { ...e, value: "zero" } : e));
  expect(jobFromEnvironment(env)).toEqual({ ok: false, reason: expect.stringContaining('JOB_ATTEMPT="zero" is invalid') });
});

test("overrides are measured as ECS counts them (the JSON text), against the 8,192-character limit", () => {
  const { overrides, chars } = jobOverrides("job", job, { attempt: 1, messageId: "m" });
  expect(overrides.containerOverrides).toEqual([{ name: "job", environment: jobEnvironment(job, { attempt: 1, messageId: "m" }) }]);
  expect(chars).toBe(JSON.stringify(overrides).length);
  expect(MAX_OVERRIDES_CHARS).toBe(8192);
});

test("attempt attribute: absent is 1; otherwise an integer ≥ 1", () => {
  expect(parseAttempt(undefined)).toEqual({ ok: true, value: 1 });
  expect(parseAttempt("3")).toEqual({ ok: true, value: 3 });
  for (const bad of ["0", "-1", "1.5", "", "x", "1000"]) expect(parseAttempt(bad).ok).toBe(false);
});

test("client token: the message id for a first launch, derived from the failed task for a retry", () => {
  expect(clientTokenFor({ attempt: 1, messageId: "0b5e1a3c-9d7f-4f55-8a0e-2c6f7f3d1e11" })).toEqual({ ok: true, value: "0b5e1a3c-9d7f-4f55-8a0e-2c6f7f3d1e11" });
  const retryOf = "arn:aws:ecs:us-east-1:123456789012:task/core-infra/0123456789abcdef0123456789abcdef";
  // Two re-enqueued copies of one retry (a STOPPED event delivered twice) share the token, so ECS starts one task.
  expect(clientTokenFor({ attempt: 2, messageId: "first", retryOf })).toEqual(clientTokenFor({ attempt: 2, messageId: "second", retryOf }));
  expect(clientTokenFor({ attempt: 2, messageId: "first", retryOf })).toEqual({ ok: true, value: "retry-0123456789abcdef0123456789abcdef" });
  expect(clientTokenFor({ attempt: 2, messageId: "m", retryOf: "x".repeat(70) }).ok).toBe(false);
});
