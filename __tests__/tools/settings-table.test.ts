import * as fs from "node:fs";
import * as path from "node:path";
import { SETTING_DEFINITIONS } from "../../src/settings";
import { settingsTable, withSettingsTable } from "../../tools/settings-table";

describe("the README's settings table", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

  it("is the one generated from the definitions (run `npm run docs:settings` after changing a setting)", () => {
    expect(withSettingsTable(readme, settingsTable())).toBe(readme);
  });

  it("has one row per setting with its context key and environment variable", () => {
    const table = settingsTable();
    for (const d of Object.values(SETTING_DEFINITIONS)) {
      expect(table).toContain(`| \`${d.key}\` | \`${d.env}\` |`);
    }
    expect(table.split("\n")).toHaveLength(Object.keys(SETTING_DEFINITIONS).length + 2);
  });

  it("refuses a README without the markers", () => {
    expect(() => withSettingsTable("# no table here", "x")).toThrow(/lacks the markers/);
  });
});
