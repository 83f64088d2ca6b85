import { Kind, type ValueNode } from 'graphql';

/**
 * Text no store of ours can hold: PostgreSQL's text type refuses U+0000 (the insert fails, which
 * a client would see as an internal error), and an unpaired UTF-16 surrogate has no UTF-8 form
 * (the driver would silently store U+FFFD instead of what was sent). Refused at the gateway in
 * every string a client sends, whatever argument or input field carries it.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** what is wrong with the string, or null */
export function unstorableCharacter(value: string): string | null {
  const found = UNSTORABLE.exec(value);
  if (!found) return null;
  const code = found[0].charCodeAt(0);
  return code === 0 ? 'U+0000 (NUL)' : `an unpaired surrogate U+${code.toString(16).toUpperCase()}`;
}

/** where a string sits inside an argument: `input.claim`, `usccs[2]` */
function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;
}

/** the first unstorable string in a literal, with its path; variables are checked by value */
export function findInLiteral(node: ValueNode, path: string): { path: string; problem: string } | null {
  switch (node.kind) {
    case Kind.STRING: {
      const problem = unstorableCharacter(node.value);
      return problem ? { path, problem } : null;
    }
    case Kind.LIST:
      for (const [i, item] of node.values.entries()) {
        const found = findInLiteral(item, at(path, i));
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const found = findInLiteral(field.value, at(path, field.name.value));
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

/** the first unstorable string in a variable's JSON value, with its path */
export function findInValue(value: unknown, path: string): { path: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = unstorableCharacter(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findInValue(item, at(path, i));
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // keys travel too (an input object's unknown field is refused by coercion, but checked first here)
      const inKey = unstorableCharacter(key);
      if (inKey) return { path: at(path, key), problem: inKey };
      const found = findInValue(item, at(path, key));
      if (found) return found;
    }
  }
  return null;
}
