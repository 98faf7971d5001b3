import * as fs from "node:fs";
import { SETTINGS_GROUPS } from "../../src/settings";
import { SETTINGS_DOC, settingsTable, withSettingsTable } from "../../tools/settings-table";

describe("the settings reference in docs/settings.md", () => {
  const doc = fs.readFileSync(SETTINGS_DOC, "utf8");

  it("is the one generated from the definitions (run `npm run docs:settings` after changing a setting)", () => {
    expect(withSettingsTable(doc, settingsTable())).toBe(doc);
  });

  it("has one section per group, globals first, each with one row per setting (context key, environment variable)", () => {
    const sections = settingsTable().split(/^### /m).slice(1);
    expect(sections.map((s) => s.split("\n")[0])).toEqual(
      SETTINGS_GROUPS.map((g) => (g.kind === "global" ? "Global settings" : `Stack \`${g.name}\``)),
    );
    SETTINGS_GROUPS.forEach((group, i) => {
      const rows = sections[i].split("\n").filter((line) => line.startsWith("| `"));
      expect(rows.map((r) => r.split(" | ").slice(0, 2).join(" | "))).toEqual(
        Object.values(group.definitions).map((d) => `| \`${d.key}\` | \`${d.env}\``),
      );
      for (const check of group.crossChecks) expect(sections[i]).toContain(check.doc);
    });
  });

  it("refuses a file without the markers", () => {
    expect(() => withSettingsTable("# no table here", "x")).toThrow(/lacks the markers/);
  });
});
