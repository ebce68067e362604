// Exact sums of the shell's decimal strings ("1234.56"), for what the window adds up only to
// show it (a chart's bar, the rest of a list as "other"): scaled integers, never floats.

/** The exact sum of decimal strings, with as many fraction digits as the longest one. */
export function addDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((value) => (value.split(".")[1] ?? "").length));
  let total = 0n;
  for (const value of values) {
    const negative = value.startsWith("-");
    const [whole, fraction = ""] = value.replace(/^[-+]/, "").split(".");
    const units = BigInt(whole || "0") * 10n ** BigInt(scale) + BigInt((fraction + "0".repeat(scale)).slice(0, scale) || "0");
    total += negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
