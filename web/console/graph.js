// The console's only way to data: POST /graphql with the user's own token. What a page shows is
// exactly what the graph's authorization lets that token read (no other endpoint serves data).

const TOKEN_KEY = 'credit-graph.token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) { value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY); },
};

/**
 * The token's claims, decoded for display and to pick a view only: the signature is the
 * gateway's to check, and a forged payload gets nothing the graph would not give it.
 */
export function claimsOf(token) {
  const part = token.split('.')[1];
  if (!part) throw new Error('this is not a JWT (three dot-separated parts)');
  const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export class GraphError extends Error {
  constructor(errors) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    this.errors = errors;
    this.codes = errors.map((e) => e.extensions?.code);
  }
}

async function post(query, variables) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token ?? ''}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok && !body.errors?.length) body.errors = [{ message: `HTTP ${res.status}`, extensions: { code: `HTTP_${res.status}` } }];
  return body;
}

/** Runs one operation; throws GraphError when the graph refused any of it (HTTP 401/429 included). */
export async function graph(query, variables = {}) {
  const body = await post(query, variables);
  if (body.errors?.length || body.data == null) throw new GraphError(body.errors ?? []);
  return body.data;
}

/** Keeps field errors beside partial data (a profile with one department unavailable). */
export async function graphPartial(query, variables = {}) {
  const body = await post(query, variables);
  if (body.data == null) throw new GraphError(body.errors ?? []);
  return { data: body.data, errors: body.errors ?? [] };
}

// ---- small DOM helpers: text only, never HTML from data ------------------------------------

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'onclick') node.addEventListener('click', value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

/** A table with a caption and column headers (scope=col) for screen readers. */
export function table(caption, headers, rows) {
  if (rows.length === 0) return el('p', {}, `${caption}: none.`);
  return el('table', {},
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : el('td', {}, c)))))));
}

export function refusal(where, error) {
  return el('p', { class: 'DENIED', role: 'alert' }, `${where}: ${error.message}`);
}

export function show(container, ...nodes) {
  container.replaceChildren(...nodes);
}
