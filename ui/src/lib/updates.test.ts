import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { UpdatesState } from "./updates.svelte";

afterEach(() => clearMocks());

const newer = { currentVersion: "0.1.0", available: { version: "0.2.0", date: null, notes: "Faster sync." } };

describe("the check at start", () => {
  it("announces a newer version in the bar without opening the dialog", async () => {
    mockIPC((cmd) => (cmd === "check_for_update" ? newer : null));
    const updates = new UpdatesState();
    await updates.checkQuietly();
    expect(updates.bannerShown).toBe(true);
    expect(updates.dialogOpen).toBe(false);
    expect(updates.available?.version).toBe("0.2.0");
  });

  it("stays silent when the shell did not look or the look failed", async () => {
    mockIPC(() => null);
    const skipped = new UpdatesState();
    await skipped.checkQuietly();
    expect(skipped.bannerShown).toBe(false);
    expect(skipped.phase).toBe("idle");

    mockIPC(() => {
      throw { code: "network", message: "Microsoft's servers could not be reached.", hint: null, details: null };
    });
    const failed = new UpdatesState();
    await failed.checkQuietly();
    expect(failed.phase).toBe("idle");
    expect(failed.error).toBeNull();
  });
});

describe("installing", () => {
  it("keeps the version and says why when the shell refuses the download", async () => {
    mockIPC((cmd) => {
      if (cmd === "check_for_update") return newer;
      if (cmd === "install_update") {
        throw { code: "update_signature_invalid", message: "Not signed.", hint: null, details: null };
      }
      return null;
    });
    const updates = new UpdatesState();
    await updates.checkNow();
    expect(updates.phase).toBe("available");
    await updates.install();
    expect(updates.phase).toBe("error");
    expect(updates.error?.code).toBe("update_signature_invalid");
  });

  it("offers the restart once the update is installed", async () => {
    mockIPC((cmd) => (cmd === "check_for_update" ? newer : null));
    const updates = new UpdatesState();
    await updates.checkNow();
    await updates.install();
    expect(updates.phase).toBe("installed");
  });
});
