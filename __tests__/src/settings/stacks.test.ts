import { def, stackSettings } from "../../../src/settings/group";
import { integer } from "../../../src/settings/parsers";
import { checkedRegistry, SETTINGS_GROUPS, STACK_SETTINGS } from "../../../src/settings/stacks";

const group = (stack: string, key: string) =>
  stackSettings(stack, {
    doc: "x",
    definitions: { [key]: def({ key, env: `QS_${stack.toUpperCase().replace(/-/g, "_")}__${key.toUpperCase()}`, doc: "d", allowed: "a", default: 1, parse: integer(0, 9) }) },
  });

describe("the registry of stack settings", () => {
  it("lists the globals first, then the registered stacks", () => {
    expect(SETTINGS_GROUPS.map((g) => g.name)).toEqual(["global", ...STACK_SETTINGS.map((g) => g.name)]);
  });

  it("refuses a stack registered twice, and a stack key that repeats a global one (a stack gets both in one object)", () => {
    expect(() => checkedRegistry([group("a-stack", "count"), group("a-stack", "size")])).toThrow("stack a-stack is registered twice");
    expect(() => checkedRegistry([group("a-stack", "region")])).toThrow("stack a-stack: region is also a global setting");
    expect(() => checkedRegistry([group("region", "count")])).toThrow("stack region has the name of a global setting");
  });
});
