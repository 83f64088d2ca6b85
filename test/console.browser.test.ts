import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from './harness/browser';
import { startStack, type Stack } from './harness/stack';

/**
 * The explorer and the console in headless Chromium over the real stack: every click goes
 * through the page's own POST /graphql with the pasted token, so what these tests see is what
 * the graph's authorization gives that token.
 */

const SUBJECT = '91110101MAAL0CXK0M'; // the demo subject every department knows (README "Try it")
const BANK_QUERY = `{ subject(uscc: "${SUBJECT}") { finance { loanBalance } } }`;

let stack: Stack;
let browser: Browser;
let origin: string;
const tokens: Record<'auditor' | 'subject' | 'bank' | 'government', string> = { auditor: '', subject: '', bank: '', government: '' };

async function openPage(path: string): Promise<{ context: BrowserContext; page: Page }> {
  // a context per user: its own sessionStorage, as two browser tabs of two people
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(origin + path);
  return { context, page };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Your token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function bankAsks() {
  return stack.query(BANK_QUERY, { token: tokens.bank });
}

beforeAll(async () => {
  stack = await startStack();
  origin = new URL(stack.gatewayUrl).origin;
  tokens.auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
  tokens.subject = await stack.token({ role: 'subject', subject: SUBJECT });
  tokens.bank = await stack.token({ role: 'bank', org: 'bank-a', purpose: 'financing' });
  tokens.government = await stack.token({ role: 'government' });
  browser = await launchChromium();
  // traffic for the auditor to find: two refused bank reads and a government profile
  await bankAsks();
  await bankAsks();
  await stack.query(`{ subject(uscc: "${SUBJECT}") { registration { name status } customs { creditClass } } }`, { token: tokens.government });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the graph explorer', () => {
  it('runs a query in GraphiQL with the pasted token, from files served by the gateway', async () => {
    const { context, page } = await openPage('/graphiql');
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.getByLabel('Bearer token').fill(tokens.government);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window').getByText('"registration"').waitFor();
    await screenshot(page, 'explorer');
    expect(outside).toEqual([]);
    await context.close();
  });
});

describe('the auditor view', () => {
  it('searches the trail, pages through it, opens a request and verifies the chain', async () => {
    const { context, page } = await openPage('/console/');
    await signIn(page, tokens.auditor);
    await expect(page.locator('#whoami')).toBeDefined();
    expect(await page.locator('#whoami').textContent()).toContain('role auditor');

    // search: the bank's refusals, two entries a page
    await page.getByLabel('Consumer org').fill('bank-a');
    await page.getByLabel('Decision').selectOption('DENIED');
    await page.getByLabel('Per page').fill('2');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('#audit-results tbody tr');
    await page.locator('#audit-page').getByText('page 1, 2 entries').waitFor();
    const first = await rows.allTextContents();
    for (const row of first) expect(row).toMatch(/bank-a \(bank\).*DENIED.*CONSENT_REQUIRED/);

    // page: the next two entries are other entries, and back again gives the first page
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#audit-page').getByText('page 2').waitFor();
    const second = await rows.allTextContents();
    expect(second.length).toBeGreaterThan(0);
    for (const row of second) expect(first).not.toContain(row);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('#audit-page').getByText('page 1').waitFor();
    expect(await rows.allTextContents()).toEqual(first);

    // open the first entry's request: every field it refused, with the refusal code
    const requestId = (await rows.first().locator('button.link').textContent())!;
    await rows.first().locator('button.link').click();
    // the title names the request once its entries are shown
    await page.locator('#request-title').getByText(requestId).waitFor();
    const fields = await page.locator('#request-fields tbody tr').allTextContents();
    expect(fields.some((f) => f.includes('Subject.finance') && f.includes('refused') && f.includes('CONSENT_REQUIRED'))).toBe(true);
    expect(fields.some((f) => f.includes('FinanceProfile.loanBalance'))).toBe(true);
    // that request's entries only: the government's read is another request
    expect(fields.length).toBe(2);
    expect(fields.some((f) => f.includes('Registration.name'))).toBe(false);
    expect(await page.locator('#request-fields').textContent()).toContain('bank-a (bank');

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.locator('#verify-result').getByText(/Chain intact: ok \d+ records/).waitFor();
    await screenshot(page, 'console-auditor', { docs: true });
    await context.close();
  });

  it('shows the graph\'s refusal to a token that may not read the trail', async () => {
    const { context, page } = await openPage('/console/');
    await signIn(page, tokens.bank);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#audit-results').getByText(/FORBIDDEN/).waitFor();
    expect(await page.locator('#audit-results tbody tr').count()).toBe(0);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.locator('#verify-result').getByText(/refused: FORBIDDEN/).waitFor();
    await context.close();
  });
});

describe('the subject view', () => {
  it('shows my profile beside what the public sees, who read it, and grants then revokes a consent the bank depends on', async () => {
    const { context, page } = await openPage('/console/');
    await signIn(page, tokens.subject);

    // my own profile holds my loan balance; a public consumer is refused it, but sees my name
    const loan = page.locator('#profile tbody tr', { hasText: 'finance.loanBalance' });
    await loan.waitFor();
    expect(await loan.locator('td').nth(1).textContent()).toMatch(/^\d+\.\d\d$/);
    expect(await loan.locator('td').nth(3).textContent()).toBe('hidden (FORBIDDEN)');
    // a field without its own class has its section's: the finance rating is FINANCING too
    const agency = page.locator('#profile tbody tr', { hasText: 'finance.rating.agency' });
    expect(await agency.locator('td').nth(3).textContent()).toBe('hidden (FORBIDDEN)');
    const name = page.locator('#profile tbody tr', { hasText: 'registration.name' });
    expect(await name.locator('td').nth(3).textContent()).toBe(await name.locator('td').nth(1).textContent());

    // who read my data: the bank's refused reads from before
    await page.locator('#readers tbody tr', { hasText: 'bank-a' }).first().waitFor();
    expect(await page.locator('#readers tbody tr', { hasText: 'bank-a' }).first().textContent()).toContain('Subject.finance (refused)');

    // grant: the bank reads my finance section over HTTP
    await page.getByLabel('Bank (org id)').fill('bank-a');
    const expires = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Expires on').fill(expires);
    await page.getByRole('button', { name: 'Grant consent' }).click();
    const active = page.locator('#consents tbody tr', { hasText: 'ACTIVE' });
    await active.waitFor();
    const granted = await bankAsks();
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data.subject.finance.loanBalance).toMatch(/^\d+\.\d\d$/);

    // revoke in the page: the very next bank query is refused
    await active.getByRole('button', { name: /revoke consent/ }).click();
    await page.locator('#consents tbody tr', { hasText: 'REVOKED' }).waitFor();
    const refused = await bankAsks();
    expect(refused.body.data.subject.finance).toBeNull();
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED']);

    await page.locator('#objections').getByText(/My objections: none|<table/).or(page.locator('#objections table')).first().waitFor();
    await page.locator('#checks').getByText(/Credit checks of me: none/).or(page.locator('#checks table')).first().waitFor();
    await screenshot(page, 'console-subject', { docs: true });
    await context.close();
  });
});
