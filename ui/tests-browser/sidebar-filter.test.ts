// The sidebar filter over 1,000 scopes in headless Chromium, keystroke by keystroke: each one
// timed from its input event until the frame showing the filtered sidebar has been rendered.
// The suite checks the filtering; `cargo xtask bench` (INVOICE_DESK_BENCH=1) also holds the
// 95th percentile to the 16 ms frame budget. Needs `npm run build:e2e` first.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { AccountSummary, AgreementFamily, ScopeKind, ScopeSummary } from "../src/lib/bindings";
import { useHarness } from "./harness";

const SCOPES = 1000;
const BUDGET_MS = 16;
const WORDS = ["Production", "Sandbox", "Research", "Marketing", "Finance", "Europe", "Retail", "Analytics", "Payroll", "Logistics"];
const KINDS: ScopeKind[] = ["mosp_subscription", "mca_billing_profile", "ea_department"];
const FAMILIES: AgreementFamily[] = ["mosp", "mca", "ea"];
/** Typed letter by letter, then erased letter by letter (erasing brings rows back). */
const QUERIES = ["research finance 2", "payroll 7", "europe", "analytics 99"];

const ACCOUNT: AccountSummary = {
  id: "acc",
  displayName: "Finance",
  username: "finance@example.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [{ id: "tenant", displayName: "Directory", isHome: true, enabled: true, needsSignIn: false }],
};

const allowed = { state: "allowed" as const, allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null };

function scopes(count: number): ScopeSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `/subscriptions/s-${i}`,
    accountId: ACCOUNT.id,
    tenantId: "tenant",
    kind: KINDS[i % 3],
    family: FAMILIES[i % 3],
    displayName: `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} ${i}`,
    billingAccountName: null,
    parentDisplayName: null,
    currency: "EUR",
    roles: ["billing_profile_owner"],
    capabilities: { listInvoices: allowed, downloadInvoices: allowed, downloadUsage: allowed, manageEmail: allowed },
    issues: [],
  }));
}

const { open } = useHarness({ viewport: { width: 1280, height: 760 } });

/** The filter values one query goes through: typed letter by letter, then erased. */
function keystrokes(query: string): string[] {
  const typed = Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1));
  return [...typed, ...typed.slice(0, -1).reverse(), ""];
}

/**
 * Sets the filter to each value in turn, one per frame: the input event is dispatched at the
 * start of a frame (in a `requestAnimationFrame` callback, where Chromium also delivers input),
 * and the time is taken in a task posted from there, which runs once that frame's style,
 * layout and paint are done. Idle time waiting for the frame is not counted. Each keystroke
 * is also marked in a Chromium trace (`console.timeStamp`), for {@link mainThreadTimes}.
 */
function typeFrameAligned(page: Page, values: string[]): Promise<number[]> {
  return page.evaluate(async (values) => {
    const input = document.getElementById("sidebar-filter") as HTMLInputElement;
    input.focus();
    const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    const times: number[] = [];
    for (const [i, value] of values.entries()) {
      await nextFrame();
      const time = await new Promise<number>((resolve) => {
        requestAnimationFrame(() => {
          const started = performance.now();
          console.timeStamp(`keystroke ${i} start`);
          const data = value.length > input.value.length ? value.slice(-1) : null;
          input.value = value;
          input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: data ? "insertText" : "deleteContentBackward", data }));
          const rendered = new MessageChannel();
          rendered.port1.onmessage = () => {
            console.timeStamp(`keystroke ${i} end`);
            resolve(performance.now() - started);
          };
          rendered.port2.postMessage(null);
        });
      });
      times.push(time);
    }
    return times;
  }, values);
}

/**
 * Real keystrokes through Chromium's input pipeline (CDP `Input.dispatchKeyEvent`): from the
 * keydown's timestamp until the frame after the input event has been rendered, including the
 * wait for that frame (up to one frame at 60 Hz).
 */
async function typeKeys(page: Page, query: string): Promise<number[]> {
  await page.evaluate(() => {
    const input = document.getElementById("sidebar-filter") as HTMLInputElement;
    const w = window as unknown as { __keystrokes: number[]; __keydown: number };
    w.__keystrokes = [];
    input.addEventListener("keydown", (event) => (w.__keydown = event.timeStamp), { capture: true });
    input.addEventListener("input", () => {
      const started = w.__keydown;
      requestAnimationFrame(() => {
        const rendered = new MessageChannel();
        rendered.port1.onmessage = () => w.__keystrokes.push(performance.now() - started);
        rendered.port2.postMessage(null);
      });
    });
    input.focus();
  });
  const keys = [...query, ...Array.from(query, () => "Backspace")];
  for (const [i, key] of keys.entries()) {
    await page.keyboard.press(key);
    await page.waitForFunction((n) => (window as unknown as { __keystrokes: number[] }).__keystrokes.length >= n, i + 1);
  }
  return page.evaluate(() => (window as unknown as { __keystrokes: number[] }).__keystrokes);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { message?: string } };
}

/**
 * The same keystrokes as {@link typeFrameAligned} under a Chromium trace: for each, the CPU time
 * the renderer's main thread spent in the tasks between its input event and its rendered frame
 * (thread time, so other processes on a busy machine do not count; the task that delivered the
 * input is counted whole, so this errs high).
 */
async function mainThreadTimes(page: Page, values: string[]): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (data) => events.push(...(data.value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", { categories: "toplevel,devtools.timeline", transferMode: "ReportEvents" });
  await typeFrameAligned(page, values);
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach();
  const marks = new Map<string, TraceEvent>();
  for (const event of events) if (event.name === "TimeStamp" && event.args?.data?.message) marks.set(event.args.data.message, event);
  return values.map((_, i) => {
    const start = marks.get(`keystroke ${i} start`);
    const end = marks.get(`keystroke ${i} end`);
    if (!start || !end) throw new Error(`keystroke ${i} is not marked in the trace`);
    const tasks = events.filter(
      (e) => e.ph === "X" && e.name === "ThreadControllerImpl::RunTask" && e.pid === start.pid && e.tid === start.tid && e.ts <= end.ts && e.ts + (e.dur ?? 0) >= start.ts,
    );
    // Chromium leaves the thread time out of some tiny tasks: those count as nothing.
    if (!tasks.some((task) => task.tdur !== undefined)) throw new Error("the trace has no thread times");
    return tasks.reduce((sum, task) => sum + (task.tdur ?? 0), 0) / 1000;
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(times: number[]): { median: number; p95: number; max: number; text: string } {
  const sorted = [...times].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const max = sorted[sorted.length - 1];
  return { median, p95, max, text: `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${times.length} keystrokes` };
}

const rowCount = (page: Page) => page.evaluate(() => document.querySelectorAll('[data-testid="scope-row"]').length);

describe("sidebar filter over 1,000 scopes in Chromium", () => {
  it("filters keystroke by keystroke within the frame budget (timed by `cargo xtask bench`)", async () => {
    const page = await open({ accounts: [ACCOUNT], scopes: { tenant: scopes(SCOPES) } });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="scope-row"]').length === n, SCOPES);

    // One unmeasured pass warms the JIT and the style caches.
    await typeFrameAligned(page, keystrokes(QUERIES[0]));
    expect(await rowCount(page)).toBe(SCOPES);

    const values = QUERIES.flatMap(keystrokes);
    const filtered = await typeFrameAligned(page, keystrokes(QUERIES[0]).slice(0, QUERIES[0].length));
    const shown = await rowCount(page);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(SCOPES);
    await typeFrameAligned(page, [""]);
    expect(await rowCount(page)).toBe(SCOPES);

    const aligned = summary([...filtered, ...(await typeFrameAligned(page, values))]);
    const cpu = summary(await mainThreadTimes(page, values));
    const keys = summary(await typeKeys(page, QUERIES[0]));
    expect(await rowCount(page)).toBe(SCOPES);
    console.info(`sidebar filter, ${SCOPES} scopes (Chromium), input event to frame rendered: ${aligned.text} (budget ${BUDGET_MS} ms at p95)`);
    console.info(`sidebar filter, ${SCOPES} scopes (Chromium), main-thread CPU time of the same keystrokes (trace): ${cpu.text}`);
    console.info(`sidebar filter, ${SCOPES} scopes (Chromium), real keystrokes, keydown to frame rendered incl. the wait for it: ${keys.text}`);
    // Wall-clock targets are checked only by the benchmark run (`cargo xtask bench` sets
    // INVOICE_DESK_BENCH=1), never in the test suite, where a loaded machine would make them flaky.
    if (process.env.INVOICE_DESK_BENCH === "1") expect(aligned.p95).toBeLessThan(BUDGET_MS);
  });
});
