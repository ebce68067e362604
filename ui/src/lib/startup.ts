// Tells the shell when a screen's first frame is painted, for `cargo xtask bench startup`
// (the shell prints it only when its startup probe is on; otherwise the call does nothing).
import { commands, type StartupStage } from "./bindings";

const reported = new Set<StartupStage>();

/** Reports `stage` once, after the frame that shows it (two animation frames: the DOM
 *  change is laid out and painted by then). */
export function reportPainted(stage: StartupStage): void {
  if (reported.has(stage)) return;
  reported.add(stage);
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      commands.startupPainted(stage).catch(() => {});
    }),
  );
}
