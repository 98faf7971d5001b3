import * as fs from "node:fs";
import * as path from "node:path";
import { SETTINGS_GROUPS, SettingDefinition, SettingsGroup } from "../src/settings";

/** The file whose settings reference is generated (between the markers below). */
export const SETTINGS_DOC = path.join(__dirname, "..", "docs", "settings.md");

/** One group's heading, as the README and the docs link to it (`#stack-core-infra`). */
export const groupHeading = (group: SettingsGroup): string =>
  group.kind === "global" ? "Global settings" : `Stack \`${group.name}\``;

/** How a group's settings are addressed, one line under its heading. */
function addressing(group: SettingsGroup): string {
  if (group.kind === "global") return "Context: top-level keys. Environment: `QS_<NAME>` as listed.";
  return `Context: keys of the object \`"${group.name}": { … }\`. Environment: \`${group.envPrefix}<NAME>\`.`;
}

/** One group's table and its cross-checks. */
function groupSection(group: SettingsGroup): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const show = (value: unknown) =>
    value === undefined ? "(unset)" : `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
  const rows = (Object.values(group.definitions) as SettingDefinition<unknown>[]).map(
    (d) => `| \`${d.key}\` | \`${d.env}\` | ${show(d.default)} | ${cell(d.allowed)} | ${cell(d.doc)} |`,
  );
  const table =
    rows.length === 0
      ? ["This stack has no settings of its own."]
      : ["| context key | environment variable | default | allowed | what it does |", "|---|---|---|---|---|", ...rows];
  const checks = group.crossChecks.length === 0 ? [] : ["", `Checked together: ${group.crossChecks.map((c) => c.doc).join("; ")}.`];
  return [`### ${groupHeading(group)}`, "", group.doc, addressing(group), "", ...table, ...checks].join("\n");
}

/**
 * The settings reference of docs/settings.md: one section per group (globals first, then the stacks as
 * registered), generated from the definitions so the two cannot drift: `npm run docs:settings` rewrites it between
 * the markers, and a test fails when the file differs.
 */
export function settingsTable(): string {
  return SETTINGS_GROUPS.map(groupSection).join("\n\n");
}

export const TABLE_START = "<!-- settings-table:start -->";
export const TABLE_END = "<!-- settings-table:end -->";

/** `doc` with the text between the markers replaced by `table`. */
export function withSettingsTable(doc: string, table: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/settings.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync(SETTINGS_DOC, withSettingsTable(fs.readFileSync(SETTINGS_DOC, "utf8"), settingsTable()));
  const count = SETTINGS_GROUPS.reduce((n, g) => n + Object.keys(g.definitions).length, 0);
  console.log(`docs/settings.md: settings reference written (${SETTINGS_GROUPS.length} groups, ${count} settings)`);
}
