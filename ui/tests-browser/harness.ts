// The shared harness of the browser tests: serves `dist-e2e` with `vite preview` on a free port of
// 127.0.0.1, drives /usr/bin/chromium headless through playwright-core, opens the app with an
// `__E2E_INIT__` seed for the in-page IPC mock and fails a test when the page threw.
// Needs `npm run build:e2e` first.
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { preview, type PreviewServer } from "vite";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { E2eInit } from "../src/e2e/mock";

export const UI = fileURLToPath(new URL("..", import.meta.url));
export const DIST = fileURLToPath(new URL("../dist-e2e", import.meta.url));
export const SHOTS = fileURLToPath(new URL("../../target/ui-screenshots", import.meta.url));
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface OpenOptions {
  colorScheme?: "light" | "dark";
  locale?: string;
  /** `false`: returns as soon as the page loaded, on its loading screen (default: past it). */
  pastLoading?: boolean;
}

export interface Harness {
  /** A fresh browser context and page with the app loaded past its loading screen (unless asked). */
  open(init?: E2eInit, options?: OpenOptions): Promise<Page>;
  /** The context of the page opened last (closed after each test). */
  context(): BrowserContext | undefined;
  /** Where `vite preview` serves the app, with a trailing slash. */
  baseUrl(): string;
}

/**
 * Registers the suite's hooks: the preview server and Chromium start before all tests and stop
 * after them; after each test the context closes and no page error may have happened.
 * `contextOptions` adds to (or overrides) the options of every new browser context.
 */
export function useHarness(contextOptions: BrowserContextOptions = {}): Harness {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let baseUrl = "";
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(`${DIST}/index.html`)) throw new Error("dist-e2e is missing: run `npm run build:e2e` first");
    mkdirSync(SHOTS, { recursive: true });
    server = await preview({
      configFile: false,
      root: UI,
      logLevel: "warn",
      build: { outDir: "dist-e2e" },
      preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false },
    });
    baseUrl = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(pageErrors).toEqual([]);
  });

  async function open(init: E2eInit = {}, options: OpenOptions = {}): Promise<Page> {
    pageErrors = [];
    context = await browser!.newContext({
      deviceScaleFactor: 1,
      locale: options.locale ?? "en-US",
      colorScheme: options.colorScheme ?? "light",
      reducedMotion: "reduce",
      ...contextOptions,
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.addInitScript((seed) => {
      window.__E2E_INIT__ = seed;
    }, init);
    await page.goto(baseUrl);
    if (options.pastLoading !== false) await page.waitForSelector('.screen:not([data-screen="loading"])');
    return page;
  }

  return { open, context: () => context, baseUrl: () => baseUrl };
}

/** Saves a screenshot to `target/ui-screenshots/<name>.png` once two frames have been painted. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** The IPC calls of `cmd` the in-page mock has recorded, in order. */
export const calls = (page: Page, cmd: string) => page.evaluate((name) => window.__e2e!.callsTo(name), cmd);
