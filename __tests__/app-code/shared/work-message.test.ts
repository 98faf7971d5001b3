import { createWorkMessages, parseWorkMessage } from "../../../app-code/shared/work-message";

describe("parseWorkMessage", () => {
  test("accepts {id, duration}", () => {
    expect(parseWorkMessage('{"id":"a1","duration":2.5}', 900)).toEqual({ ok: true, message: { id: "a1", duration: 2.5 } });
    expect(parseWorkMessage('{"id":7,"duration":0}', 900)).toEqual({ ok: true, message: { id: "7", duration: 0 } });
  });

  test.each([
    [undefined, "empty body"],
    ["nope", "body is not JSON"],
    ["[1]", "body is not a JSON object"],
    ['{"id":"x"}', "duration is missing"],
    ['{"duration":"5"}', 'duration is not a number: "5"'],
    ['{"duration":null}', "duration is not a number: null"],
    ['{"duration":-0.1}', "duration is negative: -0.1"],
    ['{"duration":901}', "duration 901 s exceeds the maximum of 900 s"],
    ['{"id":{},"duration":1}', "id is neither a string nor a number: {}"],
    // JSON.stringify would print null for it.
    ['{"duration":1e309}', "duration is not a finite number: Infinity"],
  ])("rejects %p: %s", (body, reason) => {
    expect(parseWorkMessage(body, 900)).toEqual({ ok: false, reason });
  });

  test("hostile bodies: a 5,000-deep array and a 250 KB string give short reasons instead of a throw or an echo", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(parseWorkMessage(`{"duration":${deep}}`, 900)).toEqual({ ok: false, reason: "duration is not a number: [[[… 1 items]]]" });
    expect(parseWorkMessage(`{"id":${deep},"duration":1}`, 900)).toEqual({ ok: false, reason: "id is neither a string nor a number: [[[… 1 items]]]" });
    expect(parseWorkMessage(`{"duration":"${"d".repeat(250_000)}"}`, 900)).toEqual({
      ok: false,
      reason: `duration is not a number: "${"d".repeat(96)}"… (250000 chars)`,
    });
  });
});

describe("createWorkMessages", () => {
  test("fixed duration, round-robin groups from a random start, unique dedup ids, batch-local entry ids", () => {
    let n = 0;
    const entries = createWorkMessages(12, { durationMinSeconds: 5, durationMaxSeconds: 5, groupCount: 4 }, () => 0.5, () => `id-${n++}`);
    expect(entries.map((e) => e.MessageGroupId)).toEqual(
      ["group-2", "group-3", "group-0", "group-1", "group-2", "group-3", "group-0", "group-1", "group-2", "group-3", "group-0", "group-1"],
    );
    expect(entries[0]).toEqual({ Id: "0", MessageBody: '{"id":"id-0","duration":5}', MessageGroupId: "group-2", MessageDeduplicationId: "id-0" });
    expect(entries[11].Id).toBe("1");
  });

  test("10,000 messages: 10,000 distinct deduplication ids and bodies (the blueprint's 16-bit ids collide here)", () => {
    const entries = createWorkMessages(10_000, { durationMinSeconds: 5, durationMaxSeconds: 5, groupCount: 10 });
    expect(new Set(entries.map((e) => e.MessageDeduplicationId)).size).toBe(10_000);
    // Content-based deduplication would hash the body: bodies must differ too.
    expect(new Set(entries.map((e) => e.MessageBody)).size).toBe(10_000);
    const perGroup = new Map<string, number>();
    entries.forEach((e) => perGroup.set(e.MessageGroupId, (perGroup.get(e.MessageGroupId) ?? 0) + 1));
    expect([...perGroup.values()]).toEqual(Array(10).fill(1000));
  });

  test("uniform range, rounded to milliseconds", () => {
    const values = [0, 0.25, 0.99999];
    const entries = createWorkMessages(2, { durationMinSeconds: 1, durationMaxSeconds: 3, groupCount: 1 }, () => values.shift()!);
    expect(entries.map((e) => JSON.parse(e.MessageBody).duration)).toEqual([1.5, 3]);
  });
});
