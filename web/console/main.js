// Sign-in: the pasted token is kept in this tab's sessionStorage; its claims pick the view and are
// shown for orientation only. Roles other than auditor and subject see the auditor view, where the
// graph itself refuses them: the console holds no rule of its own.
import { claimsOf, session } from './graph.js';
import { startAuditorView } from './auditor.js';
import { startSubjectView } from './subject.js';

const $ = (id) => document.getElementById(id);

function start() {
  const token = session.token;
  if (!token) return;
  let claims;
  try {
    claims = claimsOf(token);
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = `That token cannot be read: ${e.message}`;
    session.token = null;
    return;
  }
  const parts = [`role ${claims.role}`, `org ${claims.org}`];
  if (claims.subject) parts.push(`subject ${claims.subject}`);
  if (claims.purpose) parts.push(`purpose ${claims.purpose}`);
  if (claims.exp) parts.push(`expires ${new Date(claims.exp * 1000).toLocaleString()}`);
  $('whoami').textContent = `Signed in as ${parts.join(', ')} (read from the token for display; the gateway checks it).`;
  $('login').hidden = true;
  $('logout').hidden = false;
  if (claims.role === 'subject' && claims.subject) startSubjectView(claims);
  else startAuditorView();
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  session.token = $('token').value.trim();
  start();
});
$('logout').addEventListener('click', () => {
  session.token = null;
  location.reload();
});
start();
