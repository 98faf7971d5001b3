import * as fs from "node:fs";
import * as path from "node:path";
import { SETTING_DEFINITIONS, SettingDefinition } from "../src/settings";

/**
 * The README's settings table, generated from the definitions so the two cannot drift: `npm run docs:settings`
 * rewrites it in README.md between the settings-table markers, and a test fails when the README differs.
 */
export function settingsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const show = (value: unknown) =>
    value === undefined ? "(unset)" : `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
  const rows = (Object.values(SETTING_DEFINITIONS) as SettingDefinition<unknown>[]).map(
    (d) => `| \`${d.key}\` | \`${d.env}\` | ${show(d.default)} | ${cell(d.allowed)} | ${cell(d.doc)} |`,
  );
  return ["| context key | environment variable | default | allowed | what it does |", "|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}

export const TABLE_START = "<!-- settings-table:start -->";
export const TABLE_END = "<!-- settings-table:end -->";

/** README text with the table between the markers replaced by `table`. */
export function withSettingsTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const readmePath = path.join(__dirname, "..", "README.md");
  fs.writeFileSync(readmePath, withSettingsTable(fs.readFileSync(readmePath, "utf8"), settingsTable()));
  console.log(`README.md: settings table written (${Object.keys(SETTING_DEFINITIONS).length} settings)`);
}
