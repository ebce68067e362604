import en from "./en.json";
import nl from "./nl.json";

export type Lang = "en" | "nl";
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

/** Both catalogues; the type makes a key missing from `nl` a compile error too. */
export const catalogues: Record<Lang, Record<MessageKey, string>> = { en, nl };

/** BCP 47 tag used for `Intl` formatting in a UI language. */
export function intlLocale(lang: Lang): string {
  return lang === "nl" ? "nl-NL" : "en-US";
}

// English until the shell answers with the language it resolved (see App.svelte).
let current = $state<Lang>("en");

/** The current UI language; reading it inside a component makes the component follow it. */
export const i18n = {
  get lang(): Lang {
    return current;
  },
  set lang(value: Lang) {
    current = value;
  },
};

export function has(key: string): key is MessageKey {
  return Object.hasOwn(catalogues.en, key);
}

/** Replaces `{name}` with `params.name`; placeholders without a value stay as written. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The text for `key` in the current language (English when a translation is empty). */
export function t(key: MessageKey, params?: Params, lang: Lang = current): string {
  const text = catalogues[lang][key] || catalogues.en[key] || key;
  return interpolate(text, params);
}

type PluralBase<K> = K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never;
export type PluralKey = PluralBase<MessageKey>;

/** Picks `<base>.one` or `<base>.other` for `count` and passes `count` as a parameter. */
export function tn(base: PluralKey, count: number, params?: Params, lang: Lang = current): string {
  const form = new Intl.PluralRules(intlLocale(lang)).select(count) === "one" ? "one" : "other";
  return t(`${base}.${form}` as MessageKey, { count, ...params }, lang);
}
