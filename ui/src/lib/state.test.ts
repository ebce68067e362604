import { describe, expect, it } from "vitest";
import type { AccountSummary, JobProgress } from "./bindings";
import { describeError } from "./errors";
import { summarizeJobs } from "./jobs.svelte";
import { filterTree } from "./tree";

const job = (id: string, phase: JobProgress["phase"]): JobProgress => ({
  id,
  kind: "download",
  title: id,
  phase,
  done: 0,
  total: 1,
  bytesPerSecond: null,
  error: null,
  stage: null,
  startedAt: "2026-11-03T10:00:00Z",
  retry: null,
});

describe("job summary", () => {
  it("is null while nothing ran or anything still runs", () => {
    expect(summarizeJobs([])).toBeNull();
    expect(summarizeJobs([job("a", "finished"), job("b", "running")])).toBeNull();
    expect(summarizeJobs([job("a", "queued")])).toBeNull();
  });

  it("counts outcomes once all jobs ended", () => {
    expect(summarizeJobs([job("a", "finished"), job("b", "failed"), job("c", "finished"), job("d", "cancelled")])).toEqual({
      count: 4,
      finished: 2,
      failed: 1,
      cancelled: 1,
    });
  });
});

describe("sidebar filter", () => {
  const accounts: AccountSummary[] = [
    {
      id: "1",
      displayName: "Contoso Finance",
      username: "finance@contoso.com",
      cloud: "azurePublic",
      viaAzureCli: false,
      tenants: [
        { id: "t1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false },
        { id: "t2", displayName: "Fabrikam Labs", isHome: false, enabled: true, needsSignIn: false },
      ],
    },
    { id: "2", displayName: "Personal", username: "me@outlook.com", cloud: "azurePublic", viaAzureCli: false, tenants: [] },
  ];

  it("keeps everything without a query", () => {
    expect(filterTree(accounts, "  ").map((n) => n.account.id)).toEqual(["1", "2"]);
  });

  it("keeps all tenants of a matching account", () => {
    expect(filterTree(accounts, "FINANCE")[0].tenants).toHaveLength(2);
  });

  it("narrows to matching tenants otherwise", () => {
    const nodes = filterTree(accounts, "fabri");
    expect(nodes).toHaveLength(1);
    expect(nodes[0].tenants.map((t) => t.id)).toEqual(["t2"]);
  });

  it("returns nothing when nothing matches", () => {
    expect(filterTree(accounts, "zzz")).toEqual([]);
  });
});

describe("describeError", () => {
  it("translates by code in the given language", () => {
    const error = { code: "folder_unavailable", message: "raw", hint: null, details: null } as const;
    expect(describeError(error, "nl").message).toBe("Die map kan niet worden gebruikt.");
    expect(describeError(error, "en").hint).toBe("Choose a folder that exists and that you may write to.");
  });
});
