import { errorText, preview } from "../../../app-code/shared/preview";

test("values a body can hold: bounded, never throwing, honest about what was cut", () => {
  const deep = JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`);
  expect(() => JSON.stringify(deep)).toThrow(RangeError);
  expect(preview(deep)).toBe("[[[… 1 items]]]");
  expect(preview("s".repeat(250_000))).toBe(`"${"s".repeat(96)}"… (250000 chars)`);
  expect(preview(JSON.parse("1e309"))).toBe("Infinity");
  expect(preview(-0)).toBe("0");
  expect(preview({ a: 1, b: [1, 2, 3, 4, 5, 6, 7], c: { d: { e: 1 } } })).toBe('{"a":1,"b":[1,2,3,4,5,… 2 more],"c":{"d":{… 1 keys}}}');
  expect(preview(null)).toBe("null");
  expect(preview(undefined)).toBe("undefined");
  expect(preview(Symbol("x"))).toBe("[symbol]");
  expect(preview("short")).toBe('"short"');
});

test("every result fits the bound plus one ellipsis", () => {
  const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, "v".repeat(1000)]));
  for (const v of [wide, ["x".repeat(10_000)], "z".repeat(10_000)]) {
    expect(preview(v, 80).length).toBeLessThanOrEqual(81);
  }
});

test("errors: name and message, a huge message cut with its length; hostile throwables still described", () => {
  expect(errorText(new TypeError("bad"))).toBe("TypeError: bad");
  expect(errorText(new Error("m".repeat(10_000)), 20)).toBe("Error: mmmmmmmmmmmmm… (10007 chars)");
  expect(errorText("plain string")).toBe('"plain string"');
  const hostile = new Error("x");
  Object.defineProperty(hostile, "message", { get: () => { throw new Error("no"); } });
  expect(errorText(hostile)).toBe("{}");
});
