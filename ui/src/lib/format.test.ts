import { describe, expect, it } from "vitest";
import { formatBytes, formatDate, formatElapsed, formatMoney, formatMonth, formatNumber, formatSpeed } from "./format";

// Intl separates parts with no-break spaces; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("number formatting", () => {
  it("formats money in Dutch as € 1.234,56", () => {
    expect(plain(formatMoney(1234.56, "EUR", "nl"))).toBe("€ 1.234,56");
    expect(plain(formatMoney(-5, "EUR", "nl"))).toBe("€ -5,00");
    expect(plain(formatMoney(1234.5, "USD", "nl"))).toBe("US$ 1.234,50");
  });

  it("formats money in English as €1,234.56", () => {
    expect(formatMoney(1234.56, "EUR", "en")).toBe("€1,234.56");
    expect(formatMoney(1234.56, "USD", "en")).toBe("$1,234.56");
  });

  it("formats counts", () => {
    expect(plain(formatNumber(12345, "nl"))).toBe("12.345");
    expect(formatNumber(12345, "en")).toBe("12,345");
  });

  it("formats transfer speeds", () => {
    expect(plain(formatSpeed(1_250_000, "en"))).toBe("1.3 MB/s");
    expect(plain(formatSpeed(1_250_000, "nl"))).toBe("1,3 MB/s");
    expect(plain(formatSpeed(512, "en"))).toBe("512 B/s");
    expect(plain(formatSpeed(45_000_000, "en"))).toBe("45 MB/s");
    expect(plain(formatSpeed(2_000_000_000_000, "nl"))).toBe("2.000 GB/s");
  });

  it("formats file sizes and the time a job has taken", () => {
    expect(plain(formatBytes(48_213, "en"))).toBe("48 kB");
    expect(plain(formatBytes(1_250_000, "nl"))).toBe("1,3 MB");
    expect(plain(formatBytes(900, "en"))).toBe("900 B");
    expect(formatElapsed(7.9)).toBe("0:07");
    expect(formatElapsed(725)).toBe("12:05");
    expect(formatElapsed(3729)).toBe("1:02:09");
    expect(formatElapsed(-3)).toBe("0:00");
  });
});

describe("date formatting", () => {
  it("formats Dutch dates as 3 okt. 2026", () => {
    expect(plain(formatDate("2026-10-03", "nl"))).toBe("3 okt. 2026");
    expect(plain(formatDate(new Date(2026, 2, 15), "nl"))).toBe("15 mrt. 2026");
    expect(plain(formatDate("2026-05-01", "nl"))).toBe("1 mei 2026");
  });

  it("formats English dates as Oct 3, 2026", () => {
    expect(plain(formatDate("2026-10-03", "en"))).toBe("Oct 3, 2026");
  });

  it("treats a bare date as a calendar day in any time zone", () => {
    expect(plain(formatDate("2026-01-01", "en"))).toBe("Jan 1, 2026");
  });

  it("formats billing months", () => {
    expect(formatMonth("2026-10-01", "nl")).toBe("oktober 2026");
    expect(formatMonth("2026-10-01", "en")).toBe("October 2026");
  });
});
