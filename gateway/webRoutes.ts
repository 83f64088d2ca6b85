import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import type { AccessMap } from '../lib/authz/accessPolicies';
import { FINANCING_PURPOSE, SUPERVISION_PURPOSE, everReadable } from '../lib/authz/decide';
import type { Consumer } from '../lib/auth/consumer';
import { sendJson, type RouteHandler } from '../lib/http/serveGraphQL';

/**
 * The browser faces of the gateway (issue 14): the graph explorer for frontend teams (GraphiQL,
 * development only) and the auditors' and subjects' console. Both are static pages that call
 * `POST /graphql` with the user's own token and nothing else: they see exactly what the graph's
 * authorization lets that token see. Every file is served from this repository or node_modules
 * (no CDN), under a policy that lets a page load scripts and connect only to this origin.
 */

export const WEB_DIR = path.join(__dirname, '..', 'web');
const NODE_MODULES = path.join(__dirname, '..', 'node_modules');

export interface WebRoutesOptions {
  /** NODE_ENV=production: the explorer is not served (404), like introspection */
  production: boolean;
  /** the supergraph's @access declarations, for the console's "who may read this field" column */
  access: AccessMap;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

// GraphiQL's editor sets style attributes at run time; scripts stay same-origin files only, so a
// value shown on a page (a company name, a refusal reason) can never run as code.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

function serveFile(file: string): RouteHandler {
  const type = TYPES[path.extname(file)];
  if (!type) throw new Error(`webRoutes: no content type for ${file}`);
  if (!fs.existsSync(file)) throw new Error(`webRoutes: ${file} is missing (npm ci installs the explorer's packages)`);
  // read once at start: the pages are part of the release, not edited under a running gateway
  const body = fs.readFileSync(file);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, ...SECURITY_HEADERS });
    res.end(body);
  };
}

function redirect(location: string): RouteHandler {
  return (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(308, { location });
    res.end();
  };
}

/** Readers the console names, each the most a token of that role and purpose can read. */
const READERS: { label: string; reader: Pick<Consumer, 'role' | 'purpose'> }[] = [
  { label: 'public', reader: { role: 'public', purpose: null } },
  { label: 'government', reader: { role: 'government', purpose: null } },
  { label: 'government (financial-supervision)', reader: { role: 'government', purpose: SUPERVISION_PURPOSE } },
  { label: 'bank (financing, with consent)', reader: { role: 'bank', purpose: FINANCING_PURPOSE } },
  { label: 'auditor', reader: { role: 'auditor', purpose: null } },
];

/**
 * Who may read each field, derived from the same declarations and decision table the gateway
 * enforces (lib/authz/decide.ts): schema metadata, the same as schema/REFERENCE.md, no data.
 */
export function fieldClasses(access: AccessMap): Record<string, { policies: string[][]; readers: string[] }> {
  const classes: Record<string, { policies: string[][]; readers: string[] }> = {};
  for (const [coordinate, policies] of access) {
    classes[coordinate] = { policies, readers: READERS.filter((r) => everReadable(policies, r.reader)).map((r) => r.label) };
  }
  return classes;
}

function explorerRoutes(): Record<string, RouteHandler> {
  return {
    'GET /graphiql': serveFile(path.join(WEB_DIR, 'explorer', 'index.html')),
    'GET /graphiql/explorer.js': serveFile(path.join(WEB_DIR, 'explorer', 'explorer.js')),
    // the packages' own prebuilt browser files; React 18 is the last React that ships them
    'GET /graphiql/react.production.min.js': serveFile(path.join(NODE_MODULES, 'react', 'umd', 'react.production.min.js')),
    'GET /graphiql/react-dom.production.min.js': serveFile(path.join(NODE_MODULES, 'react-dom', 'umd', 'react-dom.production.min.js')),
    'GET /graphiql/graphiql.min.js': serveFile(path.join(NODE_MODULES, 'graphiql', 'graphiql.min.js')),
    'GET /graphiql/graphiql.min.css': serveFile(path.join(NODE_MODULES, 'graphiql', 'graphiql.min.css')),
  };
}

function consoleRoutes(access: AccessMap): Record<string, RouteHandler> {
  const dir = path.join(WEB_DIR, 'console');
  const routes: Record<string, RouteHandler> = {
    'GET /console': redirect('/console/'),
    'GET /console/': serveFile(path.join(dir, 'index.html')),
  };
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.js') || name.endsWith('.css')) routes[`GET /console/${name}`] = serveFile(path.join(dir, name));
  }
  const classes = fieldClasses(access);
  routes['GET /console/classes.json'] = (_req, res) => sendJson(res, 200, classes, SECURITY_HEADERS);
  return routes;
}

export function webRoutes(options: WebRoutesOptions): Record<string, RouteHandler> {
  return { ...(options.production ? {} : explorerRoutes()), ...consoleRoutes(options.access) };
}
