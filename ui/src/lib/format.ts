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

/** When data was fetched: the date and time in the UI language, e.g. "Oct 3, 2026, 14:05". */
export function formatDateTime(value: Date | string, lang: Lang): string {
  const time = new Intl.DateTimeFormat(intlLocale(lang), { hour: "2-digit", minute: "2-digit", hour12: false }).format(toDate(value));
  return `${formatDate(value, lang)}, ${time}`;
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

/** A size in bytes with SI unit symbols, e.g. "1.3 MB" / "1,3 MB". */
export function formatBytes(bytes: number, lang: Lang): string {
  return formatSpeed(bytes, lang).replace(/\/s$/, "");
}

/** How long something has taken, as a clock shows it: "0:07", "12:05", "1:02:09". */
export function formatElapsed(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const pad = (value: number) => String(value).padStart(2, "0");
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${minutes}:${pad(rest)}`;
}

/**
 * An exact decimal amount ("1234.5") with its currency in the UI language. The string goes to
 * Intl as it is (Intl.NumberFormat reads decimal strings exactly), never through a float.
 */
export function formatDecimal(value: string, currency: string | null, lang: Lang): string {
  const options: Intl.NumberFormatOptions = currency
    ? { style: "currency", currency }
    : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  try {
    return new Intl.NumberFormat(intlLocale(lang), options).format(value as unknown as number);
  } catch {
    // An unknown currency code: the number in the UI language, then the code as sent.
    const number = new Intl.NumberFormat(intlLocale(lang), { minimumFractionDigits: 2 }).format(value as unknown as number);
    return currency ? `${number}\u00a0${currency}` : number;
  }
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(year, month, 0).getDate();
}

/** Whether a period is exactly one calendar month (1st to last day). */
export function isCalendarMonth(start: string, end: string): boolean {
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(end);
  if (!a || !b || a[1] !== b[1] || a[2] !== b[2] || a[3] !== "01") return false;
  return Number(b[3]) === lastDayOfMonth(Number(b[1]), Number(b[2]));
}

/**
 * A billing period: a calendar month by its name ("oktober 2026"), any other span as a range
 * ("15 sep. – 14 okt. 2026" / "Sep 15 – Oct 14, 2026").
 */
export function formatPeriod(start: string, end: string, lang: Lang): string {
  if (isCalendarMonth(start, end)) return formatMonth(start, lang);
  const format = new Intl.DateTimeFormat(intlLocale(lang), { day: "numeric", month: "short", year: "numeric" });
  const parts = format.formatRangeToParts(toDate(start), toDate(end));
  return parts
    .map((part) => {
      if (lang === "nl" && part.type === "month" && !part.value.endsWith(".") && part.value !== "mei") {
        return `${part.value}.`;
      }
      return part.value;
    })
    .join("");
}

/** A short month label for a chart axis: "okt. '26" / "Oct '26". */
export function formatShortMonth(value: string, lang: Lang): string {
  const parts = new Intl.DateTimeFormat(intlLocale(lang), { month: "short" }).formatToParts(toDate(value));
  const month = parts.find((part) => part.type === "month")?.value ?? "";
  return `${month.replace(/\.$/, "")} '${value.slice(2, 4)}`;
}
