import { type Catalogue, PLURAL_FORMS } from './catalogue.ts';
import { functionShape } from './entries.ts';

/** Where a compiled translation had to use English: the keys, for the tests and `doctor`. */
export type CompileResult<T> = { strings: T; fallbacks: string[] };

/**
 * Builds a language's string table from its catalogue, in the English table's shape:
 * text stays text, and each English function becomes a function that fills the
 * translated `{name}` placeholders (plural forms chosen by `Intl.PluralRules`, numbers
 * and dates written by `Intl` for the language). A key the catalogue lacks keeps its
 * English and is listed in `fallbacks`.
 */
export function compileTranslation<T extends object>(
  english: T,
  catalogue: Catalogue,
  lang: string,
): CompileResult<T> {
  const fallbacks: string[] = [];
  const tools = formatters(lang);
  const strings = build(english, '', catalogue, tools, fallbacks) as T;
  return { strings, fallbacks };
}

type Tools = {
  plural: Intl.PluralRules;
  number: Intl.NumberFormat;
  date: Intl.DateTimeFormat;
  categories: Intl.LDMLPluralRule[];
};

function formatters(lang: string): Tools {
  return {
    plural: new Intl.PluralRules(lang),
    number: new Intl.NumberFormat(lang),
    date: new Intl.DateTimeFormat(`${lang}-GB`, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/London',
    }),
    categories: PLURAL_FORMS[lang]?.categories ?? ['other'],
  };
}

function build(
  node: unknown,
  key: string,
  catalogue: Catalogue,
  tools: Tools,
  fallbacks: string[],
): unknown {
  if (typeof node === 'string') {
    if (key.endsWith('.href')) return node;
    const found = catalogue.get(key);
    if (typeof found === 'string') return found;
    fallbacks.push(key);
    return node;
  }
  if (typeof node === 'function') return compileFunction(node, key, catalogue, tools, fallbacks);
  if (Array.isArray(node))
    return node.map((item, i) => build(item, join(key, String(i)), catalogue, tools, fallbacks));
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [child, value] of Object.entries(node))
      out[child] = build(value, join(key, child), catalogue, tools, fallbacks);
    return out;
  }
  return node;
}

function compileFunction(
  fn: unknown,
  key: string,
  catalogue: Catalogue,
  tools: Tools,
  fallbacks: string[],
): unknown {
  const english = fn as (...args: never[]) => unknown;
  const shape = functionShape(english, key);
  if (shape.pluralParam !== null) {
    const forms = catalogue.get(key);
    if (!Array.isArray(forms)) {
      fallbacks.push(key);
      return english;
    }
    const param = shape.pluralParam;
    return (...args: unknown[]) => {
      const values = bind(shape.params, args);
      const n = Number(values.get(param));
      const form = forms[tools.categories.indexOf(tools.plural.select(n))] ?? forms.at(-1) ?? '';
      return fill(form, values, tools);
    };
  }
  // The translated text (or tree of texts) with placeholders, in the English shape.
  const before = fallbacks.length;
  const template = build(shape.rendered, key, catalogue, tools, fallbacks);
  if (fallbacks.length > before) {
    // Any missing part keeps the whole function English: half a sentence in each is worse.
    fallbacks.splice(before, fallbacks.length - before, key);
    return english;
  }
  return (...args: unknown[]) => fillTree(template, bind(shape.params, args), tools);
}

/** Each parameter's value by name; an object argument's fields are bound by name too. */
function bind(params: string[], args: unknown[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  params.forEach((name, i) => {
    const value = args[i];
    values.set(name, value);
    if (typeof value === 'object' && value !== null && !(value instanceof Date))
      for (const [field, v] of Object.entries(value)) values.set(field, v);
  });
  return values;
}

function fillTree(node: unknown, values: Map<string, unknown>, tools: Tools): unknown {
  if (typeof node === 'string') return fill(node, values, tools);
  if (Array.isArray(node)) return node.map((item) => fillTree(item, values, tools));
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = fillTree(v, values, tools);
    return out;
  }
  return node;
}

function fill(template: string, values: Map<string, unknown>, tools: Tools): string {
  return template.replace(/\{([A-Za-z_$][\w$]*)\}/g, (whole, name: string) => {
    if (!values.has(name)) return whole;
    const value = values.get(name);
    if (typeof value === 'number') return tools.number.format(value);
    if (value instanceof Date) return tools.date.format(value);
    return String(value);
  });
}

function join(key: string, child: string): string {
  return key === '' ? child : `${key}.${child}`;
}
