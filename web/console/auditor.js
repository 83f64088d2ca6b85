// Auditor view: the audit trail searched, paged (cursor) and opened by request, and the ledger's
// chain verified — all through the graph, which refuses these to anyone but auditors (and, for
// the trail about itself, the subject).
import { el, graph, refusal, show, table } from './graph.js';

const ENTRY = 'at requestId consumer { id org role } purpose subject field decision reason consentId operationName';
const TRAIL = `query AuditTrail($filter: AuditFilter!, $first: Int, $after: String) {
  auditTrail(filter: $filter, first: $first, after: $after) { nodes { ${ENTRY} } pageInfo { hasNextPage endCursor } }
}`;
const VERIFY = 'query AuditVerification { auditVerification { ok records problem } }';
/** a request names at most one operation's fields; auditTrail pages reach 500 */
const REQUEST_PAGE = 500;

const $ = (id) => document.getElementById(id);
const local = (iso) => new Date(iso).toLocaleString();

// the pages seen so far: cursors[i] is the `after` of page i (null for the first)
const paging = { filter: {}, first: 20, cursors: [null], page: 0 };

function filterFrom(form) {
  const data = new FormData(form);
  const filter = {};
  for (const key of ['uscc', 'consumerOrg', 'field', 'decision']) {
    const value = String(data.get(key) ?? '').trim();
    if (value) filter[key] = value;
  }
  // datetime-local is the browser's local time; the graph takes ISO 8601 with an offset
  for (const key of ['from', 'to']) {
    const value = String(data.get(key) ?? '');
    if (value) filter[key] = new Date(value).toISOString();
  }
  return filter;
}

async function loadPage() {
  const results = $('audit-results');
  try {
    const { auditTrail } = await graph(TRAIL, { filter: paging.filter, first: paging.first, after: paging.cursors[paging.page] });
    const rows = auditTrail.nodes.map((e) => [
      el('td', { class: 'mono' }, local(e.at)),
      el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': `open request ${e.requestId}`, onclick: () => openRequest(e.requestId) }, e.requestId)),
      `${e.consumer.org} (${e.consumer.role})`,
      e.purpose ?? '',
      el('td', { class: 'mono' }, e.subject ?? ''),
      el('td', { class: 'mono' }, e.field),
      el('td', { class: e.decision }, e.decision),
      e.reason ?? '',
      el('td', { class: 'mono' }, e.consentId ?? ''),
    ]);
    show(results, table('Audit entries, newest first', ['When', 'Request', 'Consumer', 'Purpose', 'Subject', 'Field', 'Decision', 'Reason', 'Consent'], rows));
    paging.cursors[paging.page + 1] = auditTrail.pageInfo.hasNextPage ? auditTrail.pageInfo.endCursor : undefined;
    $('audit-next').disabled = !auditTrail.pageInfo.hasNextPage;
    $('audit-prev').disabled = paging.page === 0;
    $('audit-page').textContent = `page ${paging.page + 1}, ${rows.length} entries`;
  } catch (e) {
    show(results, refusal('The audit trail', e));
    $('audit-next').disabled = true;
  }
}

async function openRequest(requestId) {
  const detail = $('request-detail');
  detail.hidden = false;
  show($('request-fields'), el('p', {}, 'loading…'));
  try {
    const { auditTrail } = await graph(TRAIL, { filter: { requestId }, first: REQUEST_PAGE });
    $('request-title').textContent = `Request ${requestId}`;
    const [first] = auditTrail.nodes;
    const about = first
      ? el('p', {}, `${local(first.at)} — ${first.consumer.org} (${first.consumer.role}, ${first.consumer.id}), purpose ${first.purpose ?? 'none'}, operation ${first.operationName ?? '(anonymous)'}`)
      : el('p', {}, 'No entries for this request.');
    const rows = auditTrail.nodes.map((e) => [
      el('td', { class: 'mono' }, e.subject ?? ''),
      el('td', { class: 'mono' }, e.field),
      el('td', { class: e.decision }, e.decision === 'GRANTED' ? 'delivered' : 'refused'),
      e.reason ?? '',
      el('td', { class: 'mono' }, e.consentId ?? ''),
    ]);
    show($('request-fields'), about, table(`Fields of request ${requestId}`, ['Subject', 'Field', 'Outcome', 'Refusal code', 'Under consent'], rows));
  } catch (e) {
    $('request-title').textContent = `Request ${requestId}`;
    show($('request-fields'), refusal('The request', e));
  }
  detail.scrollIntoView({ block: 'start' });
}

async function verify() {
  const out = $('verify-result');
  out.textContent = 'verifying…';
  out.className = '';
  try {
    const { auditVerification: v } = await graph(VERIFY);
    out.textContent = v.ok ? `Chain intact: ok ${v.records} records` : `BROKEN after ${v.records} records: ${v.problem}`;
    out.className = v.ok ? 'ok' : 'broken';
  } catch (e) {
    out.textContent = `Verification refused: ${e.message}`;
    out.className = 'broken';
  }
}

export function startAuditorView() {
  $('auditor-view').hidden = false;
  $('audit-search').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    Object.assign(paging, { filter: filterFrom(form), first: Number(new FormData(form).get('first')) || 20, cursors: [null], page: 0 });
    loadPage();
  });
  $('audit-next').addEventListener('click', () => {
    paging.page += 1;
    loadPage();
  });
  $('audit-prev').addEventListener('click', () => {
    paging.page = Math.max(0, paging.page - 1);
    loadPage();
  });
  $('verify').addEventListener('click', verify);
}
