// Changes: a live tail of the change feed (GET /api/changes?tail=true, then after=<next>), filterable by tenant and
// stream; the newest first, at most KEEP rows on the page.
import { api, h, clear, render, errorBox, field, debounce, qs, table, badge, time } from './lib.js';

const KEEP = 200;

export function mount(main) {
  const state = { tenant: '', stream: '', backfill: false, next: null, events: [], paused: false };
  const tenant = h('input', { type: 'text', id: 'ch-tenant', placeholder: 'all tenants', autocomplete: 'off' });
  const stream = h('input', { type: 'text', id: 'ch-stream', placeholder: 'all streams, e.g. applications', autocomplete: 'off' });
  const backfill = h('input', { type: 'checkbox', id: 'ch-backfill' });
  const pause = h('button', { type: 'button', id: 'ch-pause', 'aria-pressed': 'false' }, 'Pause');
  const list = h('div', { id: 'changes-list' });
  const problem = h('div');

  clear(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Changes'),
      h('p', {}, 'What changed in Greenhouse, as the hub wrote it: creates, updates (with the fields that changed) and deletes, from polling, sweeps, webhooks and write-backs. Newest first; it follows by itself.')),
      h('div', { class: 'actions' }, pause)),
    h('div', { class: 'filters' },
      h('div', { class: 'field grow' }, h('label', { for: 'ch-tenant' }, 'Tenant'), tenant),
      h('div', { class: 'field grow' }, h('label', { for: 'ch-stream' }, 'Stream'), stream),
      h('div', { class: 'field' }, h('label', { for: 'ch-backfill' }, backfill, ' Include first backfills'))),
    problem, list);

  const changed = () => {
    state.tenant = tenant.value.trim(); state.stream = stream.value.trim(); state.backfill = backfill.checked;
    state.next = null; state.events = [];
    refresh();
  };
  tenant.addEventListener('input', debounce(changed, 300));
  stream.addEventListener('input', debounce(changed, 300));
  backfill.addEventListener('change', changed);
  pause.addEventListener('click', () => {
    state.paused = !state.paused;
    pause.setAttribute('aria-pressed', String(state.paused));
    pause.textContent = state.paused ? 'Resume' : 'Pause';
    if (!state.paused) refresh();
  });

  async function refresh() {
    if (state.paused) return;
    const base = { tenant: state.tenant, stream: state.stream, include_backfill: state.backfill ? 'true' : undefined, limit: 100 };
    let page;
    try {
      page = await api('GET', '/api/changes' + qs(state.next === null ? { ...base, tail: 'true', limit: 50 } : { ...base, after: state.next }));
      clear(problem);
    } catch (e) {
      if (e.status === 410) { state.next = null; state.events = []; }
      clear(problem, errorBox(e, 'Cannot read the changes'));
      return;
    }
    state.next = page.next;
    state.events = page.events.slice().reverse().concat(state.events).slice(0, KEEP);
    render(list, state.events.map(e => e.seq), () => table([
      { label: 'Seq', cell: e => String(e.seq), num: true, opt: true },
      { label: 'When', cell: e => time(e.seen_at) },
      { label: 'Tenant', cell: e => h('a', { href: `#/tenants/${e.tenant}` }, e.tenant) },
      { label: 'Stream', cell: e => e.stream },
      { label: 'Record', cell: e => String(e.id), num: true },
      { label: 'Change', cell: e => h('span', {}, badge(e.op, e.op === 'delete' ? 'bad' : e.op === 'create' ? 'ok' : 'info'), e.backfill ? ' backfill' : '') },
      { label: 'Fields', cell: e => e.fields ? e.fields.join(', ') : '—', opt: true },
      { label: 'Source', cell: e => e.source, opt: true },
    ], state.events, { empty: state.tenant || state.stream ? 'No changes of this tenant or stream yet; new ones appear here as they happen.' : 'No changes yet; they appear here as they happen.', caption: 'Latest changes', rowAttrs: e => ({ dataset: { seq: String(e.seq) } }) }));
    if (page.more) refresh();
  }

  refresh();
  return { refresh };
}
