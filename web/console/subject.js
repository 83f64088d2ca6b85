// Subject view: my own profile (SELF reads every class) beside what a public consumer sees of it,
// who read my data, my consents (grant, revoke), my objections and the credit checks of me. The
// field classes come from /console/classes.json, derived from the same @access declarations and
// decision table the gateway enforces; no token is minted here to "look as" another role.
import { el, graph, graphPartial, refusal, show, table } from './graph.js';

const PROFILE = `query MyProfile($uscc: USCC!) { subject(uscc: $uscc) { __typename uscc kind region { __typename code name } organizationCode
  registration { __typename name legalRepresentative registeredCapital establishedOn status }
  marketSupervision { __typename abnormalOperations { __typename reason listedOn authority removedOn } penalties { __typename decisionNumber violationType decidedOn fine authority } }
  tax { __typename rating { __typename year grade } annualPayments { __typename year amount } arrears { __typename taxKind amount since } majorViolations { __typename nature publishedOn } }
  judicial { __typename dishonestDebtor { __typename caseNumber court filedOn } enforcementCases { __typename caseNumber court filedOn amount } consumptionRestrictions { __typename caseNumber court publishedOn } }
  customs { __typename customsCode creditClass tradeVolumes { __typename year importUsd exportUsd } }
  finance { __typename loanBalance overdueAmount overdueDays guaranteesGiven rating { __typename agency grade ratedOn } } } }`;
const READS = `query WhoReadMe($first: Int, $after: String) { auditTrail(filter: {}, first: $first, after: $after) {
  nodes { at requestId consumer { org role } purpose field decision } pageInfo { hasNextPage endCursor } } }`;
const CONSENT = 'id grantee purpose grantedAt expiresAt revokedAt status';
const CONSENTS = `query MyConsents($uscc: USCC!) { consents(uscc: $uscc) { ${CONSENT} } }`;
const GRANT = `mutation Grant($input: GrantConsentInput!) { grantConsent(input: $input) { ${CONSENT} } }`;
const REVOKE = `mutation Revoke($id: ID!) { revokeConsent(id: $id) { ${CONSENT} } }`;
const OBJECTIONS = `query MyObjections($uscc: USCC!) { objections(filter: { uscc: $uscc }) { id department recordType field claim filedAt dueOn overdue status } }`;
const CHECKS = `query ChecksOfMe($uscc: USCC!) { creditChecks(filter: { uscc: $uscc }, first: 20) { id scenario verdict checkedAt checker { org role } } }`;
const READS_PAGE = 200;

const $ = (id) => document.getElementById(id);
const local = (iso) => new Date(iso).toLocaleString();

/**
 * One row per leaf value: its path, value and the schema coordinates (`Type.field`) from it up to
 * the root, nearest first. A field with no @access of its own has its section's class
 * (`FinanceProfile.rating.agency` is FINANCING through `Subject.finance`).
 */
function leaves(value, path, coordinates, out) {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path, value: '(none)', coordinates });
    value.forEach((item, i) => leaves(item, `${path}[${i}]`, coordinates, out));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key !== '__typename') leaves(child, path ? `${path}.${key}` : key, [`${value.__typename}.${key}`, ...coordinates], out);
    }
  } else {
    out.push({ path, value: value === null ? '(none on record)' : String(value), coordinates });
  }
  return out;
}

/** what a public token would get for this value, by the nearest declared class */
function publicSees(classes, row) {
  const cls = row.coordinates.map((c) => classes[c]).find(Boolean);
  if (!cls) return { text: row.value, readers: 'every authenticated consumer' };
  const readers = cls.readers.join(', ') || 'the subject itself only';
  const names = cls.policies.flat();
  if (!cls.readers.includes('public')) return { text: 'hidden (FORBIDDEN)', readers, hidden: true };
  // the tax authority publishes grade A only (SPEC §5): other grades are refused to the public
  if (names.includes('PUBLISHED_TAX_GRADE_A') && !cls.policies.some((p) => p.length === 1 && p[0] === 'PUBLIC')) {
    return { text: /\.grade$/.test(row.path) && row.value === 'A' ? row.value : 'hidden unless grade A', readers, hidden: row.value !== 'A' };
  }
  return { text: row.value, readers };
}

async function loadProfile(uscc) {
  try {
    const [classes, { data, errors }] = await Promise.all([fetch('/console/classes.json').then((r) => r.json()), graphPartial(PROFILE, { uscc })]);
    const rows = leaves(data.subject, '', [], []).map((row) => {
      const pub = publicSees(classes, row);
      return [el('td', { class: 'mono' }, row.path), row.value, pub.readers, el('td', pub.hidden ? { class: 'hidden-from-public' } : {}, pub.text)];
    });
    const problems = errors.map((e) => el('li', {}, `${(e.path ?? []).join('.')}: ${e.extensions?.code ?? ''} ${e.message}`));
    show($('profile'), table('My profile', ['Field', 'I see', 'Who may read it', 'A public consumer sees'], rows), problems.length ? el('ul', { class: 'DENIED' }, problems) : '');
  } catch (e) {
    show($('profile'), refusal('My profile', e));
  }
}

// the reads loaded so far, grouped by request (one request reads many fields)
const reads = { requests: new Map(), after: null };

async function loadReads() {
  try {
    const { auditTrail } = await graph(READS, { first: READS_PAGE, after: reads.after });
    for (const e of auditTrail.nodes) {
      const r = reads.requests.get(e.requestId) ?? { at: e.at, consumer: e.consumer, purpose: e.purpose, fields: [] };
      r.fields.push(e.decision === 'GRANTED' ? e.field : `${e.field} (refused)`);
      reads.requests.set(e.requestId, r);
    }
    reads.after = auditTrail.pageInfo.endCursor;
    $('readers-more').hidden = !auditTrail.pageInfo.hasNextPage;
    const rows = [...reads.requests.values()].map((r) => [
      el('td', { class: 'mono' }, local(r.at)), r.consumer.org, r.consumer.role, r.purpose ?? '', el('td', { class: 'mono' }, [...new Set(r.fields)].join(', ')),
    ]);
    show($('readers'), table('Who read my data, newest first', ['When', 'Organization', 'Role', 'Purpose', 'Fields'], rows));
  } catch (e) {
    show($('readers'), refusal('Who read my data', e));
  }
}

async function loadConsents(uscc) {
  try {
    const { consents } = await graph(CONSENTS, { uscc });
    const rows = consents.map((c) => [
      el('td', { class: 'mono' }, c.id), c.grantee, c.purpose, local(c.grantedAt), local(c.expiresAt), el('td', { class: c.status === 'ACTIVE' ? 'GRANTED' : 'DENIED' }, c.status),
      c.status === 'ACTIVE' ? el('button', { type: 'button', 'aria-label': `revoke consent ${c.id} to ${c.grantee}`, onclick: () => revoke(uscc, c.id) }, 'Revoke') : (c.revokedAt ? `revoked ${local(c.revokedAt)}` : ''),
    ]);
    show($('consents'), table('My consents', ['Consent', 'Bank', 'Purpose', 'Granted', 'Expires', 'Status', 'Action'], rows));
  } catch (e) {
    show($('consents'), refusal('My consents', e));
  }
}

async function revoke(uscc, id) {
  try {
    await graph(REVOKE, { id });
  } catch (e) {
    show($('consents'), refusal('Revoking', e));
    return;
  }
  await loadConsents(uscc);
}

async function grant(uscc, form) {
  const data = new FormData(form);
  // the consent runs to the end of the chosen day, mainland time
  const input = { subject: uscc, grantee: String(data.get('grantee')).trim(), purpose: String(data.get('purpose')).trim(), expiresAt: `${data.get('expiresOn')}T23:59:59+08:00` };
  try {
    await graph(GRANT, { input });
    await loadConsents(uscc);
  } catch (e) {
    show($('consents'), refusal('Granting', e));
  }
}

async function loadList(container, caption, query, uscc, key, headers, cells) {
  try {
    const data = await graph(query, { uscc });
    show(container, table(caption, headers, data[key].map(cells)));
  } catch (e) {
    show(container, refusal(caption, e));
  }
}

export function startSubjectView(claims) {
  const uscc = claims.subject;
  $('subject-view').hidden = false;
  $('subject-title').textContent = `My credit data — ${uscc}`;
  $('grant').addEventListener('submit', (event) => {
    event.preventDefault();
    grant(uscc, event.currentTarget);
  });
  $('readers-more').addEventListener('click', loadReads);
  loadProfile(uscc);
  loadReads();
  loadConsents(uscc);
  loadList($('objections'), 'My objections', OBJECTIONS, uscc, 'objections', ['Objection', 'Department', 'Record', 'Field', 'Claim', 'Filed', 'Due', 'Status'],
    (o) => [el('td', { class: 'mono' }, o.id), o.department, o.recordType, o.field, o.claim, local(o.filedAt), o.dueOn + (o.overdue ? ' (overdue)' : ''), o.status]);
  loadList($('checks'), 'Credit checks of me', CHECKS, uscc, 'creditChecks', ['When', 'Checked by', 'Scenario', 'Verdict'],
    (c) => [local(c.checkedAt), `${c.checker.org} (${c.checker.role})`, c.scenario, c.verdict]);
}
