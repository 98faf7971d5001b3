/** Thrown for bad settings, before anything is written; `message` holds one line per problem. */
export class SettingsError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}
