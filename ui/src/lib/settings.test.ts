import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { SettingsState } from "./settings.svelte";
import type { ShellState } from "./shell.svelte";

afterEach(() => clearMocks());

const answer = (settings: Record<string, unknown>) => ({ settings, language: "en", warning: null });

describe("a folder typed into Settings", () => {
  it("keeps the folder it had when the user does not confirm the typed one", async () => {
    const settings = new SettingsState({} as ShellState);
    settings.current = { ...settings.current, downloadFolder: "/home/ann/Invoices" };
    mockIPC((cmd) => {
      if (cmd === "save_settings") {
        throw { code: "folder_not_confirmed", message: "The folder was not changed.", hint: null, details: ["/etc"] };
      }
      return null;
    });
    await settings.setFolder("downloadFolder", "/etc");
    expect(settings.current.downloadFolder).toBe("/home/ann/Invoices");
    expect(settings.saveError?.code).toBe("folder_not_confirmed");
  });

  it("takes the folder once the shell saved it", async () => {
    const settings = new SettingsState({} as ShellState);
    mockIPC((cmd, args) => {
      if (cmd === "save_settings") return answer((args as { settings: Record<string, unknown> }).settings);
      return null;
    });
    await settings.setFolder("archiveFolder", "/srv/archive");
    expect(settings.current.archiveFolder).toBe("/srv/archive");
    expect(settings.saveState).toBe("saved");
  });
});
