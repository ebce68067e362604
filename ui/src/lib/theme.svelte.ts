import type { Theme } from "./bindings";

export type ResolvedTheme = "light" | "dark";

export function resolveTheme(setting: Theme, systemDark: boolean): ResolvedTheme {
  if (setting === "system") return systemDark ? "dark" : "light";
  return setting;
}

const query = typeof window !== "undefined" && window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let systemDark = $state(query?.matches ?? false);
query?.addEventListener("change", (event) => {
  systemDark = event.matches;
});

/** Whether the operating system currently asks for a dark appearance (live). */
export const system = {
  get dark(): boolean {
    return systemDark;
  },
};
