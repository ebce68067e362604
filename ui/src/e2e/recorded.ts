// Demo mode as the shell answers it, recorded from the real commands: `cargo xtask fixtures`
// writes `recorded/<user>.json` (src-tauri/tests/recorded_fixtures.rs, which also fails
// `cargo xtask test` when the files differ from a fresh recording). One file per demo user of
// the emulator's `demo` scenario, on the day the suites pin.
import type { AccountSummary, AppError, DemoState, PeriodView, ScopeSummary } from "../lib/bindings";

/** A listing's answer: what the command returned, or the error it failed with. */
export type Recorded<T> = { ok: T } | { error: AppError };

export interface DemoRecording {
  /** The emulator scenario and the day it lived on. */
  scenario: string;
  today: string;
  /** The demo user signed in (as `demoState.user`). */
  user: string;
  /** Whether `start_demo` without a user signs in as this one. */
  isDefaultUser: boolean;
  /** `demo_state` (also what `start_demo` answers for this user). */
  demoState: DemoState;
  /** `list_accounts`. */
  accounts: AccountSummary[];
  /** `list_scopes` per directory id (enabled directories only). */
  scopes: Record<string, Recorded<ScopeSummary[]>>;
  /** `list_periods` per scope id, in the default range. */
  periods: Record<string, Recorded<PeriodView[]>>;
}

const files = import.meta.glob<DemoRecording>("./recorded/*.json", { eager: true, import: "default" });

/** Every demo user's recording, in the order the demo picker lists the users. */
export const DEMO_RECORDINGS: DemoRecording[] = (() => {
  const recordings = Object.values(files);
  const order = recordings[0]?.demoState.users.map((user) => user.upn) ?? [];
  return recordings.sort((a, b) => order.indexOf(a.user) - order.indexOf(b.user));
})();

/** The recording of the user `start_demo` picks when none is named. */
export const DEFAULT_DEMO_RECORDING: DemoRecording = (() => {
  const found = DEMO_RECORDINGS.find((recording) => recording.isDefaultUser);
  if (!found) throw new Error("No recorded demo user is the default one: run `cargo xtask fixtures`.");
  return found;
})();

/** The recording of demo user `upn` (any case, as the shell matches it). */
export function demoRecording(upn: string): DemoRecording | undefined {
  const wanted = upn.trim().toLowerCase();
  return DEMO_RECORDINGS.find((recording) => recording.user.toLowerCase() === wanted);
}

/** A recorded answer as the command gives it: the value, or the error thrown. */
export function replay<T>(answer: Recorded<T>): T {
  if ("error" in answer) throw answer.error;
  return answer.ok;
}
