import { intlLocale, type Lang } from "../i18n/i18n.svelte";

/** A money amount in the UI language: nl → "€ 1.234,56", en → "€1,234.56". */
export function formatMoney(amount: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: "currency", currency }).format(amount);
}

export function formatNumber(value: number, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang)).format(value);
}

function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  // A bare date ("2026-10-03") is a calendar day, not midnight UTC.
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
}

/**
 * A calendar date in the UI language: nl → "3 okt. 2026", en → "Oct 3, 2026".
 * Dutch short months are written with a full stop ("okt.", "mrt."); newer CLDR data
 * leaves it out, so it is put back here ("mei" is not an abbreviation and stays).
 */
export function formatDate(value: Date | string, lang: Lang): string {
  const parts = new Intl.DateTimeFormat(intlLocale(lang), {
    day: "numeric",
    month: "short",
    year: "numeric",
  }).formatToParts(toDate(value));
  return parts
    .map((part) => {
      if (lang === "nl" && part.type === "month" && !part.value.endsWith(".") && part.value !== "mei") {
        return `${part.value}.`;
      }
      return part.value;
    })
    .join("");
}

/** A month of a billing period: nl → "oktober 2026", en → "October 2026". */
export function formatMonth(value: Date | string, lang: Lang): string {
  return new Intl.DateTimeFormat(intlLocale(lang), { month: "long", year: "numeric" }).format(toDate(value));
}

/** A transfer speed with SI unit symbols, e.g. "1.3 MB/s" / "1,3 MB/s". */
export function formatSpeed(bytesPerSecond: number, lang: Lang): string {
  const symbols = ["B/s", "kB/s", "MB/s", "GB/s"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < symbols.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const number = new Intl.NumberFormat(intlLocale(lang), {
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
  return `${number}\u00a0${symbols[unit]}`;
}
