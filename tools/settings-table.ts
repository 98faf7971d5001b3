import { SETTING_DEFINITIONS, SettingDefinition } from "../src/settings";

/** The README's settings table, generated from the definitions so the two cannot drift (a test compares them). */
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

if (require.main === module) console.log(settingsTable());
