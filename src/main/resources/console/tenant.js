// A tenant: its connection (pause, resume, check, rotate a secret, remove), its streams (Sync now, Reset, run
// history), its permissions matrix, its outbox items, its job links with suggestions and its pushed candidates.
import { api, h, clear, render, table, badge, time, duration, num, toast, errorBox, dialog, confirm, field, qs } from './lib.js';
import { permissions, showCheck } from './connect.js';

export function mount(main, id) {
  const head = h('div', { id: 'tenant-head' });
  const problem = h('div');
  const streams = h('div', { id: 'streams' });
  const perms = h('div', { id: 'permissions' });
  const items = h('div', { id: 'tenant-outbox' });
  const links = h('div', { id: 'job-links' });
  const candidates = h('div', { id: 'candidates' });
  const updated = h('span', { class: 'updated', 'aria-live': 'off' });
  let tenant = null;

  clear(main,
    h('p', {}, h('a', { href: '#/connections' }, '← Connections')),
    head, problem,
    h('nav', { class: 'section-nav', 'aria-label': 'Sections' },
      ['Streams', 'Permissions', 'Outbox', 'Job links', 'Pushed candidates'].map((t, i) =>
        h('a', { href: '#', onclick: ev => { ev.preventDefault(); document.getElementById(['sec-streams', 'sec-permissions', 'sec-outbox', 'sec-links', 'sec-candidates'][i]).scrollIntoView(); } }, t)), updated),
    h('section', { class: 'card', id: 'sec-streams', 'aria-labelledby': 'h-streams' }, h('h2', { id: 'h-streams' }, 'Streams'), streams),
    h('section', { class: 'card', id: 'sec-permissions', 'aria-labelledby': 'h-perms' }, h('h2', { id: 'h-perms' }, 'Permissions (from the last check)'), perms),
    h('section', { class: 'card', id: 'sec-outbox', 'aria-labelledby': 'h-outbox' }, h('h2', { id: 'h-outbox' }, 'Outbox (latest 20)'), items),
    h('section', { class: 'card', id: 'sec-links', 'aria-labelledby': 'h-links' }, h('h2', { id: 'h-links' }, 'Job links'), links),
    h('section', { class: 'card', id: 'sec-candidates', 'aria-labelledby': 'h-cands' }, h('h2', { id: 'h-cands' }, 'Pushed candidates'), candidates));

  async function refresh() {
    try {
      tenant = await api('GET', `/api/tenants/${id}`);
      clear(problem);
    } catch (e) {
      clear(problem, errorBox(e, e.status === 404 ? `No connection '${id}'` : 'Cannot read this connection'));
      return;
    }
    render(head, tenant, () => header(tenant, refresh));
    render(perms, tenant.lastCheck, () => tenant.lastCheck
      ? [permissions(tenant.lastCheck.rows || []), (tenant.lastCheck.fix || []).length
          ? h('div', { class: 'alert warn' }, h('strong', {}, 'How to fix:'), h('ol', {}, tenant.lastCheck.fix.map(f => h('li', {}, f)))) : null,
        h('p', { class: 'sub' }, 'Checked ', time(tenant.lastCheck.checkedAt), '.')]
      : h('p', { class: 'muted' }, 'No check has run yet.'));
    await Promise.allSettled([loadStreams(), loadOutbox(), loadIngestion()]);
    updated.textContent = 'Updated ' + new Date().toLocaleTimeString();
  }

  async function loadStreams() {
    try {
      const s = await api('GET', '/api/streams' + qs({ tenant: id }));
      render(streams, s.streams, () => streamTable(s.streams));
    } catch (e) {
      render(streams, e.message, () => errorBox(e, 'Cannot read the streams'));
    }
  }

  function streamTable(rows) {
    return table([
      { label: 'Stream', cell: s => h('strong', {}, s.stream) },
      { label: 'State', cell: s => h('div', {}, badge(s.state), s.paused ? h('div', { class: 'err clip', title: s.paused }, 'paused: ' + s.paused) : null,
        s.queued ? h('div', { class: 'muted' }, `${s.queued.reason}, `, time(s.queued.since)) : null) },
      { label: 'Watermark · lag', cell: s => s.watermark ? h('span', { title: s.watermark }, `${duration(s.lagSeconds)} behind`) : h('span', { class: 'muted' }, 'backfilling') },
      { label: 'Last run', cell: s => lastRun(s.lastRun) },
      { label: 'Next run', opt: true, cell: s => time(s.nextRun) },
      { label: '', cell: s => h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', dataset: { action: 'sync', stream: s.stream }, onclick: () => syncNow(s.stream) }, 'Sync now'),
        h('button', { type: 'button', class: 'small', dataset: { action: 'runs', stream: s.stream }, onclick: () => runs(s.stream) }, 'History'),
        h('button', { type: 'button', class: 'small danger', dataset: { action: 'reset', stream: s.stream }, onclick: () => reset(s.stream) }, 'Reset')) },
    ], rows, { empty: 'This tenant has no streams (no Harvest credential, or every stream is switched off).', caption: 'Streams', wide: true,
      rowAttrs: s => ({ dataset: { stream: s.stream, state: s.state } }) });
  }

  async function syncNow(stream) {
    try {
      const r = await api('POST', `/api/streams/${id}/${stream}/sync`);
      toast(r.queued ? `${stream}: queued; a worker starts it within a second.` : `${stream} already waits or runs.`);
      loadStreams();
    } catch (e) { toast(e.message, 'bad'); }
  }

  async function reset(stream) {
    if (!await confirm({ title: `Reset ${stream}?`, danger: true, confirmLabel: 'Reset stream',
      text: `Its watermark is forgotten: the next run reads every ${stream} record of ${id} from Greenhouse again (within the rate budget). The synced rows stay until then.` })) return;
    try {
      await api('POST', `/api/streams/${id}/${stream}/reset`);
      toast(`${stream} reset: the next run re-reads everything.`);
      loadStreams();
    } catch (e) { toast(e.message, 'bad'); }
  }

  function runs(stream) {
    let before = null;
    const area = h('div');
    const more = h('button', { type: 'button', class: 'small' }, 'Older runs');
    const all = [];
    const load = async () => {
      const r = await api('GET', `/api/streams/${id}/${stream}/runs` + qs({ limit: 20, before }));
      all.push(...r.runs);
      before = r.runs.length ? r.runs[r.runs.length - 1].id : before;
      more.hidden = !r.next;
      clear(area, table([
        { label: 'Run', cell: r => `#${r.id} ${r.kind}` },
        { label: 'Status', cell: r => badge(r.status) },
        { label: 'Started', cell: r => time(r.startedAt) },
        { label: 'Took', num: true, cell: r => r.durationSeconds === null ? '—' : `${r.durationSeconds.toFixed(1)} s` },
        { label: 'Pages', num: true, opt: true, cell: r => num(r.pages) },
        { label: 'Fetched / written / unchanged', num: true, cell: r => `${num(r.fetched)} / ${num(r.written)} / ${num(r.unchanged)}` },
        { label: 'Error', cell: r => r.error ? h('span', { class: 'err' }, r.error) : '' },
      ], all, { empty: 'No run yet.', wide: true }));
    };
    more.addEventListener('click', () => load().catch(e => toast(e.message, 'bad')));
    dialog({ title: `${stream}: run history`, id: 'runs-dialog', build: body => { body.append(area, more); }, buttons: [{ label: 'Close' }] });
    load().catch(e => clear(area, errorBox(e)));
  }

  async function loadOutbox() {
    try {
      const o = await api('GET', '/api/outbox' + qs({ tenant: id, limit: 20 }));
      render(items, o.items, () => outboxTable(o.items));
    } catch (e) {
      render(items, e.message, () => errorBox(e, 'Cannot read the outbox'));
    }
  }

  async function loadIngestion() {
    const [l, c] = await Promise.allSettled([api('GET', `/api/tenants/${id}/job-links`), api('GET', `/api/tenants/${id}/ingestion/candidates?limit=50`)]);
    if (l.status === 'rejected') {
      render(links, 'x', () => h('p', { class: 'muted' }, 'No Candidate Ingestion for this tenant: ' + l.reason.message));
    } else {
      render(links, l.value.links, () => linkTable(l.value.links));
    }
    if (c.status === 'rejected') {
      render(candidates, 'x', () => h('p', { class: 'muted' }, 'No pushed candidates: ' + c.reason.message));
    } else {
      render(candidates, c.value.candidates, () => candidateTable(c.value.candidates));
    }
  }

  function linkTable(rows) {
    return table([
      { label: 'Your job', cell: l => h('div', {}, h('code', {}, l.partner_job_ref), l.partner_name ? h('div', { class: 'muted' }, l.partner_name) : null) },
      { label: 'Greenhouse job', cell: l => l.linked ? h('div', {}, `${l.job_name || ''} `, h('span', { class: 'muted' }, `#${l.job_id}`), l.job_gone_at ? h('div', { class: 'err' }, 'closed or gone in Greenhouse') : null)
        : h('span', { class: 'badge warn' }, 'not linked') },
      { label: 'Suggestions', cell: l => l.linked ? '' : (l.suggestions || []).length
        ? h('div', { class: 'actions' }, l.suggestions.map(s => h('button', { type: 'button', class: 'small', onclick: () => link(l.partner_job_ref, s.job_id) }, `Link to ${s.name} (${s.match})`)))
        : h('span', { class: 'muted' }, 'no job with a close name') },
      { label: '', cell: l => l.linked ? h('button', { type: 'button', class: 'small', onclick: () => link(l.partner_job_ref, null) }, 'Unlink') : '' },
    ], rows, { empty: 'No job links yet: PUT /api/tenants/<id>/job-links/<your job ref> adds one.', caption: 'Job links' });
  }

  async function link(ref, jobId) {
    try {
      await api('PUT', `/api/tenants/${id}/job-links/${encodeURIComponent(ref)}`, { job_id: jobId });
      toast(jobId ? `${ref} linked to Greenhouse job ${jobId}.` : `${ref} unlinked.`);
      loadIngestion();
    } catch (e) { toast(e.message, 'bad'); }
  }

  function candidateTable(rows) {
    return table([
      { label: 'Candidate', cell: c => h('code', {}, c.external_id) },
      { label: 'Job', opt: true, cell: c => c.prospect ? 'prospect' : (c.partner_job_ref || '—') },
      { label: 'Greenhouse', cell: c => c.candidate_id ? h('span', {}, `#${c.candidate_id}`, c.application_id ? h('span', { class: 'muted' }, ` · app ${c.application_id}`) : '') : '—' },
      { label: 'Status', cell: c => c.gone_at ? h('div', {}, badge('gone', 'bad'), h('div', { class: 'muted' }, c.gone_reason || '')) : badge(c.outbox_status || 'queued') },
      { label: 'Pushed', opt: true, cell: c => time(c.pushed_at) },
      { label: '', cell: c => h('button', { type: 'button', class: 'small', onclick: () => candidate(c.external_id) }, 'History') },
    ], rows, { empty: 'No candidate pushed yet.', caption: 'Pushed candidates' });
  }

  function candidate(externalId) {
    const area = h('div', {}, h('p', { class: 'sub' }, 'Loading…'));
    dialog({ title: `Candidate ${externalId}`, id: 'candidate-dialog', build: body => body.append(area), buttons: [{ label: 'Close' }] });
    api('GET', `/api/tenants/${id}/ingestion/candidates/${encodeURIComponent(externalId)}`).then(c => clear(area,
      h('dl', { class: 'kv' }, h('dt', {}, 'Greenhouse candidate'), h('dd', {}, c.candidate_id || '—'),
        h('dt', {}, 'Profile'), h('dd', {}, c.profile_url ? h('a', { href: c.profile_url, target: '_blank', rel: 'noopener' }, c.profile_url) : '—'),
        h('dt', {}, 'Outbox'), h('dd', {}, c.outbox_status || '—', c.outbox_error ? h('div', { class: 'err' }, c.outbox_error) : null)),
      h('h3', {}, 'Applications'),
      table([{ label: 'Application', cell: a => a.application_id }, { label: 'Job', cell: a => a.job || '—' },
        { label: 'Status', cell: a => a.status || '—' }, { label: 'Stage', cell: a => a.stage || '—' }, { label: 'Changed', cell: a => time(a.changed_at) }], c.applications || [], { empty: 'None read back yet.' }),
      h('h3', {}, 'Status history'),
      table([{ label: 'Seen', cell: x => time(x.seen_at) }, { label: 'Application', cell: x => x.application_id },
        { label: 'Status', cell: x => `${x.from_status || '—'} → ${x.to_status || '—'}` }, { label: 'Stage', cell: x => `${x.from_stage || '—'} → ${x.to_stage || '—'}` }], c.history || [], { empty: 'No change seen yet.' })))
      .catch(e => clear(area, errorBox(e)));
  }

  refresh();
  return { refresh };
}

export function outboxTable(rows) {
  return table([
    { label: 'Item', cell: i => h('span', {}, `#${i.id}`) },
    { label: 'Tenant', opt: true, cell: i => h('a', { href: `#/tenants/${i.tenant}` }, i.tenant) },
    { label: 'Kind', cell: i => i.kind.replace(/_/g, ' ') },
    { label: 'Status', cell: i => h('div', {}, badge(i.status), i.paused ? h('div', { class: 'muted clip', title: i.paused }, i.paused) : null) },
    { label: 'Attempts', num: true, cell: i => i.attempts },
    { label: 'Greenhouse id', opt: true, cell: i => i.greenhouse_id || '—' },
    { label: 'Last error', cell: i => i.last_error ? h('span', { class: 'err clip', title: i.last_error }, i.last_error) : '' },
    { label: 'Created', opt: true, cell: i => time(i.created_at) },
  ], rows, { empty: 'No outbox item.', caption: 'Outbox items', rowAttrs: i => ({ dataset: { item: i.id, status: i.status } }) });
}

function lastRun(r) {
  if (!r) return h('span', { class: 'muted' }, 'never ran');
  const took = r.endedAt && r.startedAt ? (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000 : null;
  return h('div', {}, badge(r.status), ' ', time(r.endedAt || r.startedAt),
    h('div', { class: 'muted' }, `${num(r.pages)} page${r.pages === 1 ? '' : 's'} · ${num(r.fetched)} fetched · ${num(r.written)} written · ${num(r.unchanged)} unchanged`, took !== null ? ` · ${took.toFixed(1)} s` : ''),
    r.error ? h('div', { class: 'err' }, r.error) : null);
}

function header(t, refresh) {
  const fromFile = t.source === 'file' || t.source === 'demo';
  const paused = t.status === 'paused';
  const act = (label, attrs, fn) => h('button', { type: 'button', ...attrs, onclick: fn }, label);
  return h('div', { class: 'page-head' },
    h('div', {},
      h('h1', {}, t.name || t.id, ' ', badge(t.status)),
      h('p', {}, h('code', {}, t.id), ` · source ${t.source}${t.file ? ' (' + t.file + ')' : ''} · checked `, time(t.checkedAt)),
      (t.reasons || []).length ? h('div', { class: 'alert warn' }, t.reasons.join('; ')) : null,
      t.problem ? h('div', { class: 'alert bad' }, t.problem) : null),
    fromFile ? h('p', { class: 'sub' }, t.source === 'demo' ? 'The demo tenant is read-only.' : `Read-only here: it comes from ${t.file}. Change the file to change it.`)
      : h('div', { class: 'actions' },
        paused || t.status === 'disconnected'
          ? act('Resume', { class: 'primary', id: 'resume' }, () => resume(t, refresh))
          : act('Pause', { id: 'pause' }, () => pause(t, refresh)),
        act('Check now', { id: 'check-now', disabled: paused }, () => checkNow(t, refresh)),
        t.harvest && t.harvest.grant ? null : act('Rotate a secret', { id: 'rotate' }, () => rotate(t, refresh)),
        act('Remove', { class: 'danger', id: 'remove' }, () => remove(t))));
}

async function pause(t, refresh) {
  if (!await confirm({ title: `Pause ${t.id}?`, confirmLabel: 'Pause', text: 'Its streams, outbox deliveries and status syncs stop on every instance. New outbox items are still accepted and wait. Resume starts everything again.' })) return;
  try {
    const r = await api('POST', `/api/tenants/${t.id}/pause`);
    toast(`${t.id} is ${r.status}.`);
    refresh();
  } catch (e) { toast(e.message, 'bad'); }
}

async function resume(t, refresh) {
  try {
    const r = await api('POST', `/api/tenants/${t.id}/resume`);
    toast(r.status === 'disconnected' ? `${t.id} is still disconnected: Greenhouse refuses its credentials.` : `${t.id} is ${r.status.replace('_', ' ')}; its streams start now.`, r.status === 'disconnected' ? 'bad' : '');
    refresh();
  } catch (e) { toast(e.message, 'bad'); }
}

async function checkNow(t, refresh) {
  try {
    const r = await api('GET', `/api/tenants/${t.id}/check`);
    toast(r.usable ? 'Check passed: everything enabled is usable.' : `Check found ${r.rows.filter(x => x.status !== 'ok').length} problem(s); see Permissions.`, r.usable ? '' : 'bad');
    refresh();
  } catch (e) { toast(e.message, 'bad'); }
}

function rotate(t, refresh) {
  const options = [];
  if (t.harvest) options.push(['harvest.client_secret', 'Harvest client secret']);
  if (t.ingestion) options.push(['ingestion.api_key', 'Candidate Ingestion key']);
  if (t.job_board) options.push(['job_board.token', 'Job Board token']);
  if (t.webhooks) options.push(['webhooks.secret', 'Web hook secret']);
  const which = h('select', { id: 'rotate-which' }, options.map(([v, l]) => h('option', { value: v }, l)));
  const value = h('input', { type: 'password', id: 'rotate-value', autocomplete: 'new-password' });
  const result = h('div');
  dialog({
    title: `Rotate a secret of ${t.id}`, id: 'rotate-dialog',
    build: body => body.append(
      h('p', {}, 'The new value is checked against Greenhouse first; only a working one replaces the old, on every instance, without a restart.'),
      field('Secret', which), field('New value', value), result),
    buttons: [{ label: 'Cancel' }, {
      label: 'Check and rotate', class: 'primary', action: async () => {
        const [group, key] = which.value.split('.');
        if (!value.value.trim()) throw new Error('Type the new value first.');
        try {
          await api('PATCH', `/api/tenants/${t.id}`, { [group]: { [key]: value.value.trim() } });
        } catch (e) {
          if (e.body && e.body.check) { showCheck(result, e.body, e.message); return 'keep'; }
          throw e;
        }
        toast('Rotated: the new secret works and is in use.');
        refresh();
      },
    }],
  });
}

function remove(t) {
  const purge = h('input', { type: 'checkbox', id: 'purge' });
  const confirmButtonText = () => purge.checked ? 'Remove and purge data' : 'Remove';
  dialog({
    title: `Remove ${t.id}?`, id: 'remove-dialog',
    build: body => body.append(
      h('p', {}, 'Everything of this tenant stops on every instance and its secrets are erased at once. Outbox items still queued are dead-lettered with that reason, not lost.'),
      h('p', {}, h('strong', {}, 'Kept: '), 'its synced rows, stream state, outbox history and dead letters (purge them later by removing again with purge).'),
      h('label', { for: 'purge', class: 'choice' }, purge, h('span', {}, 'Also purge its data: delete its synced rows, stream state, outbox history and dead letters. This cannot be undone.'))),
    buttons: [{ label: 'Cancel' }, {
      label: 'Remove', class: 'danger solid', action: async () => {
        const r = await api('DELETE', `/api/tenants/${t.id}` + (purge.checked ? '?purge=true' : ''));
        toast(`${t.id} removed${purge.checked ? ' and its data purged' : '; its data is kept'}.`);
        location.hash = '#/connections';
        return r;
      },
    }],
  });
  purge.addEventListener('change', () => { document.querySelector('#remove-dialog .d-foot .danger').textContent = confirmButtonText(); });
}
