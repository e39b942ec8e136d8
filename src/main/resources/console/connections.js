// Connections: every tenant with its status, source, features, last check and freshness; filter, search, paging;
// the Connect Greenhouse form (connect.js).
import { api, h, clear, render, table, badge, time, duration, debounce, qs, errorBox, field } from './lib.js';
import { openConnect } from './connect.js';

const PAGE = 50;
const STATUSES = ['active', 'needs_attention', 'paused', 'disconnected'];

export function mount(main, session, { connect = false } = {}) {
  const state = { status: '', search: '', after: null, previous: [] };
  const counts = h('div', { class: 'counts', role: 'group', 'aria-label': 'Filter by status' });
  const search = h('input', { type: 'search', id: 'tenant-search', placeholder: 'Id or name', autocomplete: 'off' });
  const list = h('div', { id: 'tenants', 'aria-live': 'polite' });
  const pager = h('div', { class: 'pager' });
  const problem = h('div');
  const connectArea = h('div', { id: 'connect-area' });
  const connectButton = h('button', { type: 'button', class: 'primary', id: 'open-connect' }, 'Connect Greenhouse');

  clear(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Connections'), h('p', {}, 'Every Greenhouse organisation this hub serves, how it is doing, and how fresh its data is.')),
      connectButton),
    connectArea,
    h('div', { class: 'filters' }, h('div', { class: 'field grow' }, h('label', { for: 'tenant-search' }, 'Search'), search)),
    counts, problem, list, pager);

  const showConnect = () => {
    connectButton.hidden = true;
    openConnect(connectArea, session, () => { connectButton.hidden = false; clear(connectArea); });
  };
  connectButton.addEventListener('click', showConnect);
  if (connect) showConnect();

  search.addEventListener('input', debounce(() => {
    state.search = search.value.trim();
    state.after = null;
    state.previous = [];
    refresh();
  }, 250));

  async function refresh() {
    let page;
    try {
      page = await api('GET', '/api/tenants' + qs({ limit: PAGE, status: state.status, search: state.search, after: state.after }));
      clear(problem);
    } catch (e) {
      clear(problem, errorBox(e, 'Cannot list the connections'));
      return;
    }
    let fresh = {};
    const ids = page.tenants.map(t => t.id);
    if (ids.length) {
      try {
        fresh = (await api('GET', '/api/streams/freshness' + qs({ tenant: ids.join(',') }))).tenants;
      } catch (e) { /* freshness is extra: the list still shows */ }
    }
    renderCounts(page.counts);
    render(list, { t: page.tenants, fresh, s: state.search }, () => table([
      { label: 'Tenant', cell: t => h('div', {}, h('a', { href: `#/tenants/${t.id}`, class: 'tenant-link' }, t.id), t.name ? h('div', { class: 'muted' }, t.name) : null) },
      { label: 'Status', cell: t => h('div', {}, badge(t.status), reason(t)) },
      { label: 'Source', opt: true, cell: t => t.source === 'file' ? h('span', { title: t.file || '' }, 'file') : (t.harvest && t.harvest.grant ? 'api (partner)' : t.source) },
      { label: 'Features', opt: true, cell: t => features(t.features) },
      { label: 'Last check', opt: true, cell: t => time(t.checkedAt) },
      { label: 'Freshness', cell: t => freshness(fresh[t.id]) },
    ], page.tenants, { empty: state.search || state.status ? 'No connection matches this filter.' : 'No connection yet: connect a Greenhouse organisation to start.', caption: 'Connections' }));
    clear(pager,
      h('span', { class: 'sub' }, `${page.tenants.length} shown`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', disabled: !state.previous.length, onclick: () => { state.after = state.previous.pop(); refresh(); } }, '← Previous'),
        h('button', { type: 'button', class: 'small', id: 'next-page', disabled: !page.next, onclick: () => { state.previous.push(state.after); state.after = page.next; refresh(); } }, 'Next →')));
  }

  function renderCounts(c) {
    const total = STATUSES.reduce((n, s) => n + (c[s] || 0), 0);
    const button = (value, label, n) => h('button', { type: 'button', class: 'small', 'aria-pressed': String(state.status === value),
      dataset: { status: value || 'all' },
      onclick: () => { state.status = value; state.after = null; state.previous = []; refresh(); } }, label, ' ', h('span', { class: 'n' }, n));
    render(counts, { c, s: state.status }, () => [button('', 'All', total), ...STATUSES.map(s => button(s, s.replace('_', ' '), c[s] || 0))]);
  }

  refresh();
  return { refresh };
}

function reason(t) {
  const text = t.problem || (t.reasons && t.reasons.length ? t.reasons.join('; ') : null);
  return text ? h('div', { class: 'err clip', title: text }, text) : null;
}

function features(f) {
  const names = Object.keys(f || {});
  if (!names.length) return h('span', { class: 'muted' }, 'not checked yet');
  const waiting = names.filter(n => f[n] !== 'ok');
  const ok = names.length - waiting.length;
  return h('div', { class: 'chips' }, h('span', { class: 'badge ok' }, `${ok} ok`),
    waiting.map(n => h('span', { class: `badge ${f[n] === 'waiting' ? 'warn' : ''}`, title: f[n] }, n)));
}

function freshness(f) {
  if (!f) return h('span', { class: 'muted' }, 'no streams');
  const parts = [];
  if (f.backfilling > 0) parts.push(h('span', { class: 'badge info' }, `${f.backfilling}/${f.streams} backfilling`));
  if (f.running > 0) parts.push(h('span', { class: 'badge running' }, `${f.running} running`));
  if (f.paused > 0) parts.push(h('span', { class: 'badge paused' }, `${f.paused} paused`));
  const lag = f.maxLagSeconds;
  const lagText = lag === null ? null : h('span', { title: 'how far the stalest stream\'s watermark is behind now' }, `stalest ${duration(lag)} behind`);
  return h('div', {}, lagText, parts.length ? h('div', { class: 'chips' }, parts) : null);
}
