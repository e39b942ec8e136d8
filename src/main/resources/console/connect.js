// Connect Greenhouse: a Harvest v3 credential, or a Candidate Ingestion key (+ optional Job Board token), or the
// partner app's OAuth consent when the hub has one. Check first (POST /api/tenants/check shows the table and the
// fixes, saving nothing), then save with one click when usable (POST /api/tenants).
import { api, h, clear, table, badge, errorBox, field, toast } from './lib.js';

const READ_SCOPES = ['applications', 'candidates', 'users', 'jobs', 'job_posts', 'job_interview_stages',
  'application_stages', 'notes', 'interviews', 'interviewers', 'offers', 'scorecards', 'openings', 'job_owners',
  'job_hiring_managers', 'offices', 'departments', 'sources', 'rejection_reasons', 'custom_fields',
  'custom_field_options', 'candidate_tags', 'applied_candidate_tags'].map(r => `harvest:${r}:list`);
const WRITE_SCOPES = ['harvest:notes:create', 'harvest:interviews:create', 'harvest:interviews:update', 'harvest:interviews:destroy'];

export function openConnect(area, session, onClose) {
  const input = (id, type, attrs = {}) => h('input', { id, type, autocomplete: 'off', ...attrs });
  const id = input('conn-id', 'text', { required: true, pattern: '[a-z0-9-]{1,63}', 'data-field': 'id', spellcheck: 'false' });
  const name = input('conn-name', 'text', { 'data-field': 'name' });
  const kinds = [['harvest', 'Harvest v3 credential'], ['ingestion', 'Candidate Ingestion key']];
  if (session && session.partnerConnect) kinds.push(['partner', 'Connect with Greenhouse (partner app)']);
  const radios = kinds.map(([value, label], i) => h('label', {}, h('input', { type: 'radio', name: 'conn-kind', value, id: `kind-${value}`, checked: i === 0 }), h('span', {}, label)));

  const hClient = input('h-client-id', 'text', { 'data-field': 'harvest.client_id', spellcheck: 'false' });
  const hSecret = input('h-client-secret', 'password', { 'data-field': 'harvest.client_secret', autocomplete: 'new-password' });
  const hUser = input('h-user-id', 'number', { 'data-field': 'harvest.user_id', min: 1, inputmode: 'numeric' });
  const hBase = input('h-base-url', 'url', { 'data-field': 'harvest.base_url', placeholder: 'https://harvest.greenhouse.io' });
  const hToken = input('h-token-url', 'url', { 'data-field': 'harvest.token_url', placeholder: 'https://auth.greenhouse.io/token' });
  const iKey = input('i-api-key', 'password', { 'data-field': 'ingestion.api_key', autocomplete: 'new-password' });
  const iEmail = input('i-user-email', 'email', { 'data-field': 'ingestion.user_email' });
  const iBoard = input('i-board-token', 'text', { 'data-field': 'job_board.token', spellcheck: 'false' });
  const iBase = input('i-base-url', 'url', { 'data-field': 'ingestion.base_url', placeholder: 'https://api.greenhouse.io' });
  const jBase = input('jb-base-url', 'url', { 'data-field': 'job_board.base_url', placeholder: 'https://boards-api.greenhouse.io' });

  const harvestPart = h('fieldset', { id: 'harvest-part' }, h('legend', {}, 'Harvest v3 credential'),
    h('div', { class: 'help' },
      h('strong', {}, 'Where to find it. '), 'A Site Admin creates it in Greenhouse: ',
      h('em', {}, 'Configure › Dev Center › API Credential Management › Create new API credentials'),
      ', type ', h('strong', {}, 'Harvest V3 (OAuth)'), '. Tick these scopes, save, and copy the Client ID and the Client Secret (shown once):',
      h('details', {}, h('summary', {}, `Scopes to tick (${READ_SCOPES.length + WRITE_SCOPES.length})`),
        h('p', { class: 'hint' }, 'To read (one per synced resource):'), h('ul', { class: 'scopes' }, READ_SCOPES.map(s => h('li', {}, h('code', {}, s)))),
        h('p', { class: 'hint' }, 'To write notes, e-mails and interviews back:'), h('ul', { class: 'scopes' }, WRITE_SCOPES.map(s => h('li', {}, h('code', {}, s))))),
      'The user id is the numeric id of an active ', h('strong', {}, 'Site Admin'), ' (Configure › Users, the number in the user\'s address): Harvest v3 reads as this user.'),
    h('div', { class: 'grid3' },
      field('Client ID', hClient),
      field('Client Secret', hSecret),
      field('Site Admin user id', hUser)),
    h('details', { id: 'harvest-advanced' }, h('summary', {}, 'Other Greenhouse addresses (sandbox, proxy)'),
      h('div', { class: 'grid2' }, field('Harvest base URL', hBase), field('Token URL', hToken))));

  const ingestionPart = h('fieldset', { id: 'ingestion-part', hidden: true }, h('legend', {}, 'Candidate Ingestion'),
    h('div', { class: 'help' }, h('strong', {}, 'Where to find it. '), 'In Greenhouse: ',
      h('em', {}, 'Configure › Dev Center › API Credential Management › Create new API credentials'),
      ', a key for ', h('strong', {}, 'Candidate Ingestion'), ' (your page may call it "Partner API key"). The e-mail is that of the user who created it: an active user with at least Job Admin permissions on the jobs you push to. The Job Board token is the last part of boards.greenhouse.io/<token>.'),
    h('div', { class: 'grid3' },
      field('Candidate Ingestion key', iKey),
      field('E-mail of the user who created it', iEmail),
      field('Job Board token (optional)', iBoard)),
    h('details', { id: 'ingestion-advanced' }, h('summary', {}, 'Other Greenhouse addresses (sandbox, proxy)'),
      h('div', { class: 'grid2' }, field('Ingestion base URL', iBase), field('Job Board base URL', jBase))));

  const partnerPart = h('fieldset', { id: 'partner-part', hidden: true }, h('legend', {}, 'Partner app'),
    h('p', {}, 'The customer signs in to Greenhouse and approves this hub\'s app; no credential is pasted here. Greenhouse sends the browser back to this console, with the tenant syncing.'));

  const result = h('div', { id: 'check-result', 'aria-live': 'polite' });
  const check = h('button', { type: 'submit', class: 'primary', id: 'check-connection' }, 'Check connection');
  const save = h('button', { type: 'button', class: 'primary', id: 'save-connection', disabled: true }, 'Save connection');
  const cancel = h('button', { type: 'button', id: 'cancel-connect' }, 'Cancel');
  const form = h('form', { class: 'card', id: 'connect-form', novalidate: true, 'aria-labelledby': 'connect-title' },
    h('h2', { id: 'connect-title' }, 'Connect Greenhouse'),
    h('div', { class: 'grid2' },
      field('Tenant id', id, 'Lower-case letters, digits and dashes; it cannot change later.'),
      field('Display name (optional)', name)),
    h('fieldset', {}, h('legend', {}, 'How this organisation connects'), h('div', { class: 'choice' }, radios)),
    harvestPart, ingestionPart, partnerPart, result,
    h('div', { class: 'actions' }, check, save, cancel));
  clear(area, form);
  id.focus();

  let checkedBody = null;
  const kind = () => form.querySelector('input[name=conn-kind]:checked').value;
  form.addEventListener('change', ev => {
    if (ev.target.name === 'conn-kind') {
      harvestPart.hidden = kind() !== 'harvest';
      ingestionPart.hidden = kind() !== 'ingestion';
      partnerPart.hidden = kind() !== 'partner';
      check.textContent = kind() === 'partner' ? 'Continue in Greenhouse' : 'Check connection';
      save.hidden = kind() === 'partner';
      clear(result);
    }
  });
  // an edit after the check needs a new check before saving
  form.addEventListener('input', () => { if (checkedBody && JSON.stringify(body()) !== checkedBody) save.disabled = true; });
  cancel.addEventListener('click', onClose);

  function body() {
    const b = { id: id.value.trim() };
    if (name.value.trim()) b.name = name.value.trim();
    if (kind() === 'harvest') {
      b.harvest = { client_id: hClient.value.trim(), client_secret: hSecret.value.trim(),
        user_id: /^[0-9]+$/.test(hUser.value.trim()) ? Number(hUser.value.trim()) : hUser.value.trim() };
      if (hBase.value.trim()) b.harvest.base_url = hBase.value.trim();
      if (hToken.value.trim()) b.harvest.token_url = hToken.value.trim();
    } else if (kind() === 'ingestion') {
      b.ingestion = { api_key: iKey.value.trim(), user_email: iEmail.value.trim() };
      if (iBase.value.trim()) b.ingestion.base_url = iBase.value.trim();
      if (iBoard.value.trim()) {
        b.job_board = { token: iBoard.value.trim() };
        if (jBase.value.trim()) b.job_board.base_url = jBase.value.trim();
      }
    }
    return b;
  }

  function markField(error) {
    form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
    form.querySelectorAll('.field-error').forEach(e => e.remove());
    const m = /^Field '([^']+)'/.exec(error || '');
    const target = m && form.querySelector(`[data-field="${m[1]}"]`);
    if (target) {
      target.setAttribute('aria-invalid', 'true');
      const note = h('div', { class: 'field-error', id: target.id + '-error' }, error.replace(/^Field '[^']+': /, ''));
      target.after(note);
      target.setAttribute('aria-describedby', note.id);
      target.focus();
    }
  }

  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (kind() === 'partner') {
      const tenant = id.value.trim();
      if (!/^[a-z0-9-]{1,63}$/.test(tenant)) { markField("Field 'id': lower-case letters, digits and dashes, 1 to 63 characters"); return; }
      location.href = '/connect/greenhouse?tenant=' + encodeURIComponent(tenant) + '&return_to=' + encodeURIComponent(location.origin + '/console/');
      return;
    }
    check.disabled = true;
    save.disabled = true;
    clear(result, h('p', { class: 'sub' }, 'Asking Greenhouse…'));
    const b = body();
    try {
      const answer = await api('POST', '/api/tenants/check', b);
      markField(null);
      checkedBody = JSON.stringify(b);
      showCheck(result, answer);
      save.disabled = !answer.usable;
      if (answer.usable) save.focus();
    } catch (e) {
      clear(result, errorBox(e, 'The check could not run'));
      markField(e.message);
    } finally {
      check.disabled = false;
    }
  });

  save.addEventListener('click', async () => {
    save.disabled = true;
    const b = body();
    try {
      const created = await api('POST', '/api/tenants', b);
      toast(`Connected ${created.id}: ${created.status.replace('_', ' ')}. Its streams start now.`);
      onClose();
      location.hash = `#/tenants/${created.id}`;
    } catch (e) {
      if (e.body && e.body.check) showCheck(result, e.body, e.message);
      else clear(result, errorBox(e, 'Not saved'));
      markField(e.message);
    }
  });
}

/** The check's verdict, its table (feature by feature) and the fixes. */
export function showCheck(area, answer, error) {
  const rows = (answer.check && answer.check.rows) || [];
  const fix = (answer.check && answer.check.fix) || [];
  const refused = rows.some(r => r.status !== 'ok' && r.feature === 'credentials') || !answer.usable;
  const verdict = answer.usable
    ? h('div', { class: `alert ${answer.status === 'active' ? 'ok' : 'warn'}`, id: 'check-verdict' },
        h('strong', {}, answer.status === 'active' ? 'Usable: everything works. ' : 'Usable, with parts waiting. '),
        answer.waiting && answer.waiting.length ? `Waiting until fixed: ${answer.waiting.join(', ')}. ` : '',
        'Save to connect it.')
    : h('div', { class: 'alert bad', id: 'check-verdict', role: 'alert' },
        h('strong', {}, refused ? 'Not usable: nothing was saved. ' : 'Not usable. '), error || 'Greenhouse refused this connection.',
        fix.length ? h('ol', {}, fix.map(f => h('li', {}, f))) : null);
  clear(area, verdict, permissions(rows), answer.usable && fix.length ? h('div', { class: 'alert warn' }, h('strong', {}, 'To fix later:'), h('ol', {}, fix.map(f => h('li', {}, f)))) : null);
}

/** The check's permission matrix: one row per permission of each feature. */
export function permissions(rows) {
  return table([
    { label: 'Feature', cell: r => r.feature },
    { label: 'Permission', cell: r => h('code', {}, r.permission) },
    { label: 'In Greenhouse', opt: true, cell: r => r.harvestPermission || '—' },
    { label: 'Status', cell: r => badge(r.status, r.status === 'ok' ? 'ok' : r.status === 'unknown' ? '' : 'bad') },
    { label: 'What it means', cell: r => r.status === 'ok' ? h('span', { class: 'muted' }, r.detail || '') : h('span', {}, [r.detail, r.impact].filter(Boolean).join(' — ')) },
  ], rows, { empty: 'No check has run yet.', caption: 'Permissions', wide: true });
}
