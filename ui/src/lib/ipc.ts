import type { AppError } from "./bindings";

/** What every fallible command answers (the shape tauri-specta generates). */
export type Result<T, E = AppError> = { status: "ok"; data: T } | { status: "error"; error: E };

export { DEFAULT_SETTINGS, commands, events } from "./bindings";
export type * from "./bindings";

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AppError).code === "string" &&
    typeof (value as AppError).message === "string"
  );
}

/** Any thrown value as an AppError (a failed IPC transport, a bug), so it can be shown. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) {
    return { code: value.code, message: value.message, hint: value.hint ?? null, details: value.details ?? null };
  }
  if (value instanceof Error) {
    return { code: "internal", message: value.message, hint: null, details: value.stack ?? null };
  }
  return { code: "internal", message: String(value), hint: null, details: null };
}

/** Runs a command that answers with a Result; a thrown error becomes an error Result too. */
export async function call<T>(run: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await run();
  } catch (error) {
    return { status: "error", error: toAppError(error) };
  }
}

/** Runs a command that answers with a plain value (it can only fail by throwing) as a Result. */
export async function attempt<T>(run: () => Promise<T>): Promise<Result<T, AppError>> {
  try {
    return { status: "ok", data: await run() };
  } catch (error) {
    return { status: "error", error: toAppError(error) };
  }
}
