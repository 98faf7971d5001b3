import type { Log } from "../../app-code/worker/src/log";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  extra: Record<string, unknown>;
}

/** A Log that keeps every line, for asserting what a failure wrote (and that it wrote one line). */
export function recordingLog(): Log & { lines: LogLine[]; about(key: string, value: unknown): LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void lines.push({ level, message, extra: Object.assign({}, ...extra) });
  return {
    lines,
    about: (key, value) => lines.filter((l) => l.extra[key] === value),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
