// Dead letters: filter by status, route and tenant; open one (its masked message, headers and error); Replay,
// Discard; replay a filtered set; the outcome shown.
import { api, h, clear, render, table, badge, time, toast, errorBox, dialog, confirm, field, debounce, qs } from './lib.js';

const PAGE = 50;

export function mount(main, initialStatus) {
  const state = { status: initialStatus || 'open', route: '', tenant: '', before: null, previous: [] };
  const status = h('select', { id: 'dl-status' }, ['open', 'replayed', 'discarded', 'all'].map(s => h('option', { value: s }, s)));
  status.value = state.status;
  const route = h('input', { type: 'text', id: 'dl-route', placeholder: 'e.g. stream-candidates', autocomplete: 'off' });
  const tenant = h('input', { type: 'text', id: 'dl-tenant', placeholder: 'tenant id', autocomplete: 'off' });
  const bulk = h('button', { type: 'button', id: 'replay-all' }, 'Replay all open that match');
  const list = h('div', { id: 'dead-letters' });
  const pager = h('div', { class: 'pager' });
  const outcome = h('div', { id: 'bulk-outcome', 'aria-live': 'polite' });
  const problem = h('div');

  clear(main,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Dead letters'), h('p', {}, 'What a route could not deliver after its retries, as it entered the route, with secrets masked. Replay sends it into the same route again.')),
      bulk),
    h('div', { class: 'filters' },
      field('Status', status), h('div', { class: 'field grow' }, h('label', { for: 'dl-route' }, 'Route'), route),
      h('div', { class: 'field grow' }, h('label', { for: 'dl-tenant' }, 'Tenant'), tenant)),
    outcome, problem, list, pager);

  const changed = () => {
    state.status = status.value; state.route = route.value.trim(); state.tenant = tenant.value.trim();
    state.before = null; state.previous = [];
    bulk.disabled = state.status !== 'open' && state.status !== 'all';
    refresh();
  };
  status.addEventListener('change', changed);
  route.addEventListener('input', debounce(changed, 300));
  tenant.addEventListener('input', debounce(changed, 300));

  bulk.addEventListener('click', async () => {
    const filter = [state.route && `route ${state.route}`, state.tenant && `tenant ${state.tenant}`].filter(Boolean).join(', ');
    if (!await confirm({ title: 'Replay the open dead letters?', confirmLabel: 'Replay them',
      text: `Every open dead letter${filter ? ' of ' + filter : ''} (up to 100 at a time) is sent into its route again, one by one. Those that fail again stay open with the new error.` })) return;
    bulk.disabled = true;
    clear(outcome, h('p', { class: 'sub' }, 'Replaying…'));
    try {
      const r = await api('POST', '/api/dead-letters/replay' + qs({ route: state.route, tenant: state.tenant, limit: 100 }));
      clear(outcome, h('div', { class: `alert ${r.failed ? 'warn' : 'ok'}`, role: 'status' },
        h('strong', {}, `${r.replayed} of ${r.selected} replayed`), r.failed ? `; ${r.failed} failed again and stay open:` : '.',
        r.failed ? h('ul', {}, r.outcomes.filter(o => !o.replayed).slice(0, 10).map(o => h('li', {}, `#${o.id}: ${o.message || 'failed'}`))) : null));
      refresh();
    } catch (e) {
      clear(outcome, errorBox(e, 'Replay stopped'));
    } finally {
      bulk.disabled = false;
    }
  });

  async function refresh() {
    let page;
    try {
      page = await api('GET', '/api/dead-letters' + qs({ status: state.status, route: state.route, tenant: state.tenant, limit: PAGE, before: state.before }));
      clear(problem);
    } catch (e) {
      clear(problem, errorBox(e, 'Cannot list the dead letters'));
      return;
    }
    render(list, page.items, () => table([
      { label: 'Id', cell: d => h('button', { type: 'button', class: 'link', dataset: { open: d.id }, onclick: () => open(d.id, refresh) }, `#${d.id}`) },
      { label: 'Status', cell: d => badge(d.status) },
      { label: 'Tenant', opt: true, cell: d => d.tenant ? h('a', { href: `#/tenants/${d.tenant}` }, d.tenant) : '—' },
      { label: 'Route', cell: d => h('code', {}, d.route) },
      { label: 'Error', cell: d => h('div', {}, h('div', { class: 'muted' }, (d.exception || '').replace(/^.*\./, '')), h('div', { class: 'err clip', title: d.message || '' }, d.message || '')) },
      { label: 'Attempts', num: true, opt: true, cell: d => d.attempts },
      { label: 'Last failed', opt: true, cell: d => time(d.lastFailedAt) },
    ], page.items, { empty: state.status === 'open' ? 'No open dead letter: everything was delivered.' : 'No dead letter matches this filter.', caption: 'Dead letters',
      rowAttrs: d => ({ dataset: { letter: d.id, status: d.status } }) }));
    const nextBefore = page.next ? new URLSearchParams(page.next.split('?')[1]).get('before') : null;
    clear(pager, h('span', { class: 'sub' }, `${page.items.length} shown`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', disabled: !state.previous.length, onclick: () => { state.before = state.previous.pop(); refresh(); } }, '← Newer'),
        h('button', { type: 'button', class: 'small', disabled: !nextBefore, onclick: () => { state.previous.push(state.before); state.before = nextBefore; refresh(); } }, 'Older →')));
  }

  refresh();
  return { refresh };
}

function open(id, refresh) {
  const area = h('div', {}, h('p', { class: 'sub' }, 'Loading…'));
  const result = h('div', { id: 'dl-outcome', 'aria-live': 'polite' });
  let letter = null;
  const show = d => {
    letter = d;
    clear(area,
      h('dl', { class: 'kv' },
        h('dt', {}, 'Status'), h('dd', {}, badge(d.status), d.statusChangedAt ? h('span', { class: 'muted' }, ' since ', time(d.statusChangedAt)) : ''),
        h('dt', {}, 'Tenant'), h('dd', {}, d.tenant || '—'),
        h('dt', {}, 'Route'), h('dd', {}, h('code', {}, d.route)),
        h('dt', {}, 'Failed at'), h('dd', {}, h('code', {}, d.endpoint || '—')),
        h('dt', {}, 'Attempts'), h('dd', {}, `${d.attempts} (replayed ${d.replays} times)`),
        h('dt', {}, 'First / last failure'), h('dd', {}, time(d.firstFailedAt), ' / ', time(d.lastFailedAt))),
      h('h3', {}, 'Error'),
      h('pre', { class: 'block', id: 'dl-error' }, `${d.exception || ''}\n${d.message || ''}`),
      h('h3', {}, 'Headers'),
      table([{ label: 'Header', cell: e => h('code', {}, e[0]) }, { label: 'Value', cell: e => h('span', { class: 'mono' }, typeof e[1] === 'string' ? e[1] : JSON.stringify(e[1])) }],
        Object.entries(d.headers || {}), { empty: 'No headers.' }),
      h('h3', {}, `Message (${(d.bodyFormat || '').toLowerCase()})`),
      h('pre', { class: 'block', id: 'dl-body' }, typeof d.body === 'string' ? d.body : JSON.stringify(d.body, null, 2)));
  };
  const dlg = dialog({
    title: `Dead letter #${id}`, id: 'dl-dialog',
    build: body => body.append(area, result),
    buttons: [
      { label: 'Close' },
      { label: 'Discard', class: 'danger', action: async () => {
        if (!letter || letter.status !== 'open') throw new Error('Only open dead letters can be discarded.');
        const d = await api('POST', `/api/dead-letters/${id}/discard`);
        show(d);
        clear(result, h('div', { class: 'alert ok' }, 'Discarded: it stays here as discarded and is not sent.'));
        toast(`Dead letter #${id} discarded.`);
        refresh();
        return 'keep';
      } },
      { label: 'Replay', class: 'primary', action: async () => {
        const r = await api('POST', `/api/dead-letters/${id}/replay`);
        show(r.deadLetter);
        clear(result, r.replayed
          ? h('div', { class: 'alert ok', id: 'replay-ok' }, 'Replayed: it went through the route this time.')
          : h('div', { class: 'alert bad', id: 'replay-failed' }, 'It failed again and stays open: ', r.deadLetter.message || ''));
        toast(r.replayed ? `Dead letter #${id} replayed.` : `Dead letter #${id} failed again.`, r.replayed ? '' : 'bad');
        refresh();
        return 'keep';
      } },
    ],
  });
  api('GET', `/api/dead-letters/${id}`).then(show).catch(e => clear(area, errorBox(e)));
  return dlg;
}
