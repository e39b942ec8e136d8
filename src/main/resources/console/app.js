// The console's shell: sign-in, the router (#/connections, #/tenants/<id>, #/dead-letters, #/outbox, #/changes), the health
// pill, and polling: every page refreshes its data every few seconds without reloading.
import { api, h, clear, whenSignedOut, field, errorBox, toast } from './lib.js';
import * as connections from './connections.js';
import * as tenant from './tenant.js';
import * as deadLetters from './dead-letters.js';
import * as outbox from './outbox.js';
import * as changes from './changes.js';

const POLL_MS = 4000;
const main = document.getElementById('main');
let session = null;
let page = null;
let pageToken = 0;

const routes = [
  [/^#\/connections$/, () => connections.mount(main, session), 'connections'],
  [/^#\/connect$/, () => connections.mount(main, session, { connect: true }), 'connections'],
  [/^#\/tenants\/([a-z0-9-]+)$/, m => tenant.mount(main, m[1], session), 'connections'],
  [/^#\/dead-letters(?:\?status=(open|replayed|discarded|all))?$/, m => deadLetters.mount(main, m[1]), 'dead-letters'],
  [/^#\/outbox$/, () => outbox.mount(main), 'outbox'],
  [/^#\/changes$/, () => changes.mount(main), 'changes'],
];

async function start() {
  whenSignedOut(() => { if (session && session.tokenRequired) showLogin(); });
  try {
    session = await (await fetch('/console/session', { credentials: 'same-origin' })).json();
  } catch (e) {
    clear(main, errorBox({ message: 'The hub does not answer. Check that it runs, then reload this page.' }));
    return;
  }
  // back from Greenhouse's consent page (partner connect): /console/?tenant=<id>&status=<status> or &error=<error>
  const back = new URLSearchParams(location.search);
  if (/^[a-z0-9-]{1,63}$/.test(back.get('tenant') || '')) {
    const error = back.get('error');
    history.replaceState(null, '', '/console/#/tenants/' + back.get('tenant'));
    toast(error ? `Greenhouse did not connect ${back.get('tenant')}: ${error.replace(/_/g, ' ')}.` : `Connected ${back.get('tenant')} (${(back.get('status') || '').replace(/_/g, ' ')}).`, error ? 'bad' : '');
  }
  if (session.tokenRequired && !session.signedIn) showLogin();
  else enter();
}

function showLogin() {
  page = null;
  pageToken++;
  document.getElementById('top').hidden = true;
  document.getElementById('health-panel').hidden = true;
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true, 'aria-describedby': 'token-hint' });
  const problem = h('div', { role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'card' },
    h('div', { class: 'brand' }, h('img', { src: 'logo.svg', alt: '', width: 24, height: 24 }), h('span', {}, 'Trellis console')),
    h('h1', {}, 'Sign in'),
    field('API token', input, 'The token this hub was started with (TRELLIS_API_TOKEN). It is sent once; the browser then keeps a sign-in cookie for 12 hours, never the token.'),
    problem, button);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    button.disabled = true;
    clear(problem);
    try {
      const res = await fetch('/console/login', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: input.value }) });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.error || `The hub answered HTTP ${res.status}.`);
      input.value = '';
      session.signedIn = true;
      enter();
    } catch (e) {
      input.setAttribute('aria-invalid', 'true');
      clear(problem, errorBox(e));
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  clear(main, h('div', { class: 'login' }, form));
  input.focus();
}

function enter() {
  document.getElementById('top').hidden = false;
  document.getElementById('sign-out').hidden = !session.tokenRequired;
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/connections';
  else route();
}

function route() {
  if (session && session.tokenRequired && !session.signedIn) return;
  const hash = location.hash;
  for (const [re, open, nav] of routes) {
    const m = hash.match(re);
    if (m) {
      document.querySelectorAll('[data-nav]').forEach(a => {
        if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
      });
      pageToken++;
      page = open(m);
      main.focus({ preventScroll: true });
      return;
    }
  }
  location.hash = '#/connections';
}

// ---------------------------------------------------------------- health
const pill = document.getElementById('health');
const panel = document.getElementById('health-panel');
pill.addEventListener('click', () => {
  panel.hidden = !panel.hidden;
  pill.setAttribute('aria-expanded', String(!panel.hidden));
});

async function health() {
  const text = document.getElementById('health-text');
  try {
    const hs = await api('GET', '/api/health');
    pill.classList.toggle('up', hs.status === 'UP');
    pill.classList.toggle('down', hs.status !== 'UP');
    text.textContent = hs.status === 'UP' ? 'Hub healthy'
      : `Down: ${hs.down.map(d => d.id.replace(/^.*:/, '')).join(', ')}`;
    const notes = hs.checks.filter(c => c.message);
    clear(panel, h('h2', {}, hs.status === 'UP' ? 'Every health check is up' : 'What is down'),
      h('ul', {}, hs.down.map(d => h('li', {}, h('span', { class: 'badge DOWN' }, 'down'), ' ', h('strong', {}, d.id), d.message ? ` — ${d.message}` : '')),
        notes.filter(c => c.state !== 'DOWN').map(c => h('li', {}, h('span', { class: `badge ${c.state}` }, c.state.toLowerCase()), ' ', h('strong', {}, c.id), ` — ${c.message}`))),
      h('p', { class: 'sub' }, `${hs.checks.length} Trellis checks and ${hs.otherChecksUp} route checks; the same as /observe/health on the management port.`));
  } catch (e) {
    pill.classList.remove('up');
    pill.classList.add('down');
    text.textContent = e.status === 0 ? 'Hub unreachable' : 'Health unknown';
  }
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await fetch('/console/logout', { method: 'POST', credentials: 'same-origin' });
  session.signedIn = false;
  showLogin();
});

window.addEventListener('hashchange', route);

async function poll() {
  if (!document.hidden && session && (!session.tokenRequired || session.signedIn)) {
    const token = pageToken;
    await Promise.allSettled([health(), page && page.refresh ? page.refresh() : null]);
    if (token !== pageToken) { /* the page changed meanwhile: its next poll refreshes it */ }
  }
  setTimeout(poll, POLL_MS);
}

start().then(() => setTimeout(poll, 0));
