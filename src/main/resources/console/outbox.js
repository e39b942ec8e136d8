// Outbox: undelivered depth and oldest age by kind; items with status, attempts, Greenhouse id and last error.
import { api, h, clear, render, errorBox, field, debounce, qs, duration, num } from './lib.js';
import { outboxTable } from './tenant.js';

const PAGE = 50;
const KINDS = ['note', 'email', 'interview_create', 'interview_update', 'interview_delete', 'ingest_candidate'];

export function mount(main) {
  const state = { status: '', kind: '', tenant: '', before: null, previous: [] };
  const status = h('select', { id: 'ob-status' }, h('option', { value: '' }, 'any'), ['queued', 'sending', 'delivered', 'dead'].map(s => h('option', { value: s }, s)));
  const kind = h('select', { id: 'ob-kind' }, h('option', { value: '' }, 'any'), KINDS.map(k => h('option', { value: k }, k.replace(/_/g, ' '))));
  const tenant = h('input', { type: 'text', id: 'ob-tenant', placeholder: 'tenant id', autocomplete: 'off' });
  const depth = h('div', { id: 'outbox-depth' });
  const list = h('div', { id: 'outbox-items' });
  const pager = h('div', { class: 'pager' });
  const problem = h('div');

  clear(main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Outbox'),
      h('p', {}, 'Notes, e-mails, interviews and candidates on their way to Greenhouse. Items that fail for good go to the dead letters.'))),
    depth,
    h('div', { class: 'filters' }, field('Status', status), field('Kind', kind),
      h('div', { class: 'field grow' }, h('label', { for: 'ob-tenant' }, 'Tenant'), tenant)),
    problem, list, pager);

  const changed = () => {
    state.status = status.value; state.kind = kind.value; state.tenant = tenant.value.trim();
    state.before = null; state.previous = [];
    refresh();
  };
  status.addEventListener('change', changed);
  kind.addEventListener('change', changed);
  tenant.addEventListener('input', debounce(changed, 300));

  async function refresh() {
    let page;
    try {
      page = await api('GET', '/api/outbox' + qs({ status: state.status, kind: state.kind, tenant: state.tenant, limit: PAGE, before: state.before }));
      clear(problem);
    } catch (e) {
      clear(problem, errorBox(e, 'Cannot read the outbox'));
      return;
    }
    render(depth, page.depth, () => {
      const total = page.depth.reduce((n, d) => n + d.items, 0);
      const oldest = page.depth.reduce((m, d) => Math.max(m, d.oldestSeconds), 0);
      return h('div', { class: 'stat-row' },
        h('div', { class: 'stat' }, h('div', { class: 'k' }, 'Undelivered'), h('div', { class: 'v', id: 'outbox-total' }, num(total))),
        h('div', { class: `stat ${oldest > 900 ? 'alert' : ''}` }, h('div', { class: 'k' }, 'Oldest waiting'), h('div', { class: 'v' }, total ? duration(oldest) : '—')),
        page.depth.map(d => h('div', { class: `stat ${d.oldestSeconds > 900 ? 'alert' : ''}` }, h('div', { class: 'k' }, d.kind.replace(/_/g, ' ')),
          h('div', { class: 'v' }, num(d.items)), h('div', { class: 'k' }, `oldest ${duration(d.oldestSeconds)}`))));
    });
    render(list, page.items, () => outboxTable(page.items));
    const nextBefore = page.next ? new URLSearchParams(page.next.split('?')[1]).get('before') : null;
    clear(pager, h('span', { class: 'sub' }, `${page.items.length} shown`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', disabled: !state.previous.length, onclick: () => { state.before = state.previous.pop(); refresh(); } }, '← Newer'),
        h('button', { type: 'button', class: 'small', disabled: !nextBefore, onclick: () => { state.previous.push(state.before); state.before = nextBefore; refresh(); } }, 'Older →')));
  }

  refresh();
  return { refresh };
}
