/**
 * Reads what an English string function says without knowing its arguments: each
 * argument is a sentinel that prints as `{name}` (and any field of it as `{field}`),
 * so `(page, orgName) => `${page} – ${orgName}`` reads as `{page} – {orgName}`. The
 * catalogue export and the Welsh compiler both rely on it.
 */

/** The parameter names of a string function, from its source text. */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const source = fn.toString();
  const arrow = /^(?:async\s*)?(?:\(([^)]*)\)|([A-Za-z_$][\w$]*))\s*=>/.exec(source);
  const classic = /^(?:async\s*)?function\b[^(]*\(([^)]*)\)/.exec(source);
  const list = arrow ? (arrow[1] ?? arrow[2] ?? '') : classic ? (classic[1] ?? '') : null;
  if (list === null) throw new Error(`cannot read the parameters of ${source.slice(0, 60)}`);
  return list
    .split(',')
    .map((part) => part.trim().split(/[\s:=]/)[0] ?? '')
    .filter((name) => name !== '')
    .map((name) => {
      if (!/^[A-Za-z_$][\w$]*$/.test(name))
        throw new Error(`a string function's parameters must be plain names: ${name}`);
      return name;
    });
}

/** A value that prints as `{name}`; reading a field from it gives `{field}`. */
export function sentinel(name: string): unknown {
  const text = `{${name}}`;
  const target = new String(text);
  return new Proxy(target, {
    get(object, property) {
      if (property === Symbol.toPrimitive) return () => text;
      if (property === 'toString' || property === 'valueOf') return () => text;
      if (typeof property === 'symbol') return Reflect.get(object, property);
      if (property in String.prototype) {
        const value = Reflect.get(object, property);
        return typeof value === 'function' ? value.bind(text) : value;
      }
      return `{${property}}`;
    },
  });
}

/** Calls a string function with a sentinel for each parameter (or a value for some). */
export function renderWith(
  fn: (...args: never[]) => unknown,
  names: string[],
  values: Record<string, unknown> = {},
): unknown {
  const args = names.map((name) => (name in values ? values[name] : sentinel(name)));
  return (fn as (...a: unknown[]) => unknown)(...args);
}
