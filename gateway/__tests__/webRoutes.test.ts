import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { collectAccessPolicies } from '../../lib/authz/accessPolicies';
import { fieldClasses, webRoutes } from '../webRoutes';

const access = collectAccessPolicies(
  parse(`
    directive @access(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT
    type Subject { registration: Registration @access(policies: [["PUBLIC"]]) finance: Finance @access(policies: [["FINANCING"], ["SELF"]]) }
    type Registration { name: String }
    type Finance { loanBalance: String }
  `),
);

async function get(routes: ReturnType<typeof webRoutes>, path: string) {
  const server = http.createServer((req, res) => {
    const route = routes[`${req.method} ${req.url}`];
    if (route) return void route(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { redirect: 'manual' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } finally {
    server.close();
  }
}

describe('the explorer', () => {
  it('is served in development from the graphiql package', async () => {
    const routes = webRoutes({ production: false, access });
    expect((await get(routes, '/graphiql')).status).toBe(200);
    const bundle = await get(routes, '/graphiql/graphiql.min.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });

  it('is not served (404) when NODE_ENV=production', async () => {
    const routes = webRoutes({ production: true, access });
    for (const path of ['/graphiql', '/graphiql/graphiql.min.js', '/graphiql/explorer.js']) expect((await get(routes, path)).status).toBe(404);
    // the console calls the graph with the user's token: production serves it too
    expect((await get(routes, '/console/')).status).toBe(200);
  });
});

describe('the console', () => {
  it('lets its pages load scripts and connect only to this origin', async () => {
    const page = await get(webRoutes({ production: false, access }), '/console/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('names each field\'s readers from the same decision table the gateway enforces', () => {
    const classes = fieldClasses(access);
    expect(classes['Subject.registration'].readers).toContain('public');
    expect(classes['Subject.finance'].readers).not.toContain('public');
    expect(classes['Subject.finance'].readers).toEqual(['government (financial-supervision)', 'bank (financing, with consent)']);
  });
});
