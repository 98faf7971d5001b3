import { readBoolean, readChoice, readNumber, requireString } from "../../../app-code/shared/env";

test("numbers: default when unset, validated otherwise with name, value and allowed range in the error", () => {
  const rule = { default: 1, min: 1, max: 10, integer: true };
  expect(readNumber({}, "N", rule)).toBe(1);
  expect(readNumber({ N: " 4 " }, "N", rule)).toBe(4);
  expect(() => readNumber({ N: "4.5" }, "N", rule)).toThrow('N="4.5" is invalid: expected an integer from 1 up to 10');
  expect(() => readNumber({ N: "11" }, "N", rule)).toThrow('N="11" is invalid');
  expect(() => readNumber({ N: "0" }, "N", { default: 1, min: 0, max: 5, exclusiveMin: true })).toThrow(
    'N="0" is invalid: expected a number greater than 0 up to 5',
  );
});

test("required strings", () => {
  expect(requireString({ Q: "url" }, "Q")).toBe("url");
  expect(() => requireString({ Q: " " }, "Q")).toThrow('Q is required (got " ")');
  expect(() => requireString({}, "Q")).toThrow("Q is required (got null)");
});

test("choices and booleans: default when unset, the allowed words in the error", () => {
  expect(readChoice({}, "P", ["sleep", "fanout"], "sleep")).toBe("sleep");
  expect(readChoice({ P: " fanout " }, "P", ["sleep", "fanout"], "sleep")).toBe("fanout");
  expect(() => readChoice({ P: "Sleep" }, "P", ["sleep", "fanout"], "sleep")).toThrow('P="Sleep" is invalid: expected one of sleep, fanout');
  expect(readBoolean({}, "B", true)).toBe(true);
  expect(readBoolean({ B: "false" }, "B", true)).toBe(false);
  expect(() => readBoolean({ B: "0" }, "B", true)).toThrow('B="0" is invalid: expected one of true, false');
});
