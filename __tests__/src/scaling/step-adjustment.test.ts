import { adjustedCapacity, matchingStep } from "../../../src/scaling/step-adjustment";

describe("matchingStep", () => {
  it("above the threshold: lower bound inclusive, upper exclusive (the source's +1 for visible ≥ 1)", () => {
    const steps = [{ lower: 0, upper: 9, change: 1 }, { lower: 9, change: 3 }];
    expect(matchingStep(steps, 1, 1, "GreaterThanOrEqualToThreshold")).toBe(steps[0]);
    expect(matchingStep(steps, 9.99, 1, "GreaterThanOrEqualToThreshold")).toBe(steps[0]);
    expect(matchingStep(steps, 10, 1, "GreaterThanOrEqualToThreshold")).toBe(steps[1]);
    expect(matchingStep(steps, 0, 1, "GreaterThanOrEqualToThreshold")).toBeUndefined();
  });

  it("below the threshold: lower exclusive, upper inclusive (the scale-to-zero step, upper bound 0 at threshold 0)", () => {
    const steps = [{ upper: 0, change: 0 }];
    expect(matchingStep(steps, 0, 0, "LessThanOrEqualToThreshold")).toBe(steps[0]);
    expect(matchingStep(steps, 0.5, 0, "LessThanOrEqualToThreshold")).toBeUndefined();
    expect(matchingStep([{ lower: -5, upper: 0, change: -1 }], -5, 0, "LessThanThreshold")).toBeUndefined();
  });
});

describe("adjustedCapacity", () => {
  const bounds = { minCapacity: 0, maxCapacity: 3 };
  it("ChangeInCapacity adds, ExactCapacity sets, both within the bounds", () => {
    expect(adjustedCapacity(0, "ChangeInCapacity", 1, bounds)).toBe(1);
    expect(adjustedCapacity(3, "ChangeInCapacity", 1, bounds)).toBe(3);
    expect(adjustedCapacity(2, "ExactCapacity", 0, bounds)).toBe(0);
    expect(adjustedCapacity(2, "ExactCapacity", 0, { minCapacity: 1, maxCapacity: 3 })).toBe(1);
  });
});
