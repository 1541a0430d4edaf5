import { parameterNames, renderWith } from './sentinel.ts';

/** One translatable piece of text, named by its path in the English table. */
export type CatalogueEntry =
  | {
      /** The path, e.g. `layout.pageTitle` or `info.privacy.sections.1.heading`. */
      key: string;
      kind: 'text';
      /** The English, with `{name}` where a value goes. */
      source: string;
    }
  | {
      key: string;
      kind: 'plural';
      /** The English for one (`{n} file`) and for many (`{n} files`). */
      source: string;
      sourcePlural: string;
      /** The value that chooses the form. */
      param: string;
    };

/** A function in the English table: its parameters and what they produce. */
export type FunctionShape = {
  params: string[];
  /** The parameter that chooses a plural form, if any. */
  pluralParam: string | null;
  /** The English with sentinels: a string, or an object whose leaves are strings. */
  rendered: unknown;
};

/** Path segments that hold addresses or identifiers, never words: copied, not translated. */
const FIXED_LEAVES = new Set(['href']);

/** Every translatable entry of a string table, in the table's order. */
export function catalogueEntries(table: unknown): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  walk(table, '', out);
  return out;
}

function walk(node: unknown, key: string, out: CatalogueEntry[]): void {
  if (typeof node === 'string') {
    if (!isFixed(key)) out.push({ key, kind: 'text', source: node });
    return;
  }
  if (typeof node === 'function') {
    const shape = functionShape(node as (...args: never[]) => unknown, key);
    if (shape.pluralParam !== null) {
      const one = renderWith(node as (...args: never[]) => unknown, shape.params, {
        [shape.pluralParam]: 1,
      });
      out.push({
        key,
        kind: 'plural',
        source: String(one).replace(/\b1\b/, `{${shape.pluralParam}}`),
        sourcePlural: String(shape.rendered),
        param: shape.pluralParam,
      });
      return;
    }
    walk(shape.rendered, key, out);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      walk(item, join(key, String(index)), out);
    });
    return;
  }
  if (typeof node === 'object' && node !== null) {
    for (const [child, value] of Object.entries(node)) walk(value, join(key, child), out);
    return;
  }
  throw new Error(`${key}: a string table holds only text, functions, objects and lists`);
}

const shapes = new WeakMap<object, FunctionShape>();

/** What an English string function takes and says (computed once per function). */
export function functionShape(fn: (...args: never[]) => unknown, key: string): FunctionShape {
  const known = shapes.get(fn);
  if (known) return known;
  const params = parameterNames(fn);
  const rendered = renderWith(fn, params);
  const plural = params.filter((param) => choosesForm(fn, params, param, rendered));
  if (plural.length > 1) throw new Error(`${key}: only one value may choose a plural form`);
  const pluralParam = plural[0] ?? null;
  if (pluralParam !== null && typeof rendered !== 'string')
    throw new Error(`${key}: a plural must be a single piece of text`);
  const shape = { params, pluralParam, rendered };
  shapes.set(fn, shape);
  return shape;
}

/** True when the number given for `param` changes more than the digits printed. */
function choosesForm(
  fn: (...args: never[]) => unknown,
  params: string[],
  param: string,
  rendered: unknown,
): boolean {
  if (typeof rendered !== 'string') return false;
  return [1, 2].some((n) => {
    let actual: unknown;
    try {
      actual = renderWith(fn, params, { [param]: n });
    } catch {
      return false;
    }
    return actual !== rendered.replaceAll(`{${param}}`, String(n));
  });
}

function isFixed(key: string): boolean {
  return FIXED_LEAVES.has(key.slice(key.lastIndexOf('.') + 1));
}

function join(key: string, child: string): string {
  return key === '' ? child : `${key}.${child}`;
}

/** The `{name}` placeholders a piece of text uses, sorted and without repeats. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z_$][\w$]*)\}/g)].map((m) => m[1] ?? ''))].sort();
}
