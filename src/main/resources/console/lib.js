// Shared pieces of the console: API calls, element building, formatting, dialogs and notices.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let onSignedOut = () => {};
export function whenSignedOut(fn) { onSignedOut = fn; }

/** Calls the hub's REST API with the console's session cookie and header; answers the JSON or throws ApiError. */
export async function api(method, path, body) {
  const headers = { 'X-Trellis-Console': '1', 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'The hub does not answer. Check that it runs and that this machine can reach it; the page retries by itself.');
  }
  let data = null;
  try { data = await res.json(); } catch (e) { /* not JSON */ }
  if (res.status === 401) {
    onSignedOut();
    throw new ApiError(401, 'Your sign-in ended. Sign in again with the API token.', data);
  }
  if (!res.ok) {
    throw new ApiError(res.status, (data && data.error) || `The hub answered HTTP ${res.status}.`, data);
  }
  return data;
}

/** Builds an element: h('td', {class: 'num', onclick: fn}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function badge(text, cls) {
  return h('span', { class: `badge ${cls || text}` }, String(text).replace(/_/g, ' '));
}

/**
 * A table: columns are {label, cell(row) -> node|text, num, opt (hidden on phones)}; a wide one scrolls sideways on
 * phones instead of squeezing its columns. Rows keyed by key(row) keep
 * their element when the data did not change, so polling does not disturb focus or selection.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', caption, rowAttrs, wide } = {}) {
  const head = h('tr', {}, columns.map(c => h('th', { scope: 'col', class: [c.num ? 'num' : '', c.opt ? 'opt' : ''].join(' ').trim() || undefined }, c.label)));
  const body = h('tbody');
  if (!rows.length) {
    body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)));
  }
  for (const r of rows) {
    body.append(h('tr', rowAttrs ? rowAttrs(r) : {}, columns.map(c => h('td', { class: [c.num ? 'num' : '', c.opt ? 'opt' : ''].join(' ').trim() || undefined }, c.cell(r)))));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: wide ? 'wide' : undefined }, caption ? h('caption', { class: 'skip' }, caption) : null, h('thead', {}, head), body));
}

/** Replaces a region's content only when its data changed (polling keeps focus and scroll otherwise). */
export function render(region, data, build) {
  const key = JSON.stringify(data);
  if (region.dataset.key === key) return;
  region.dataset.key = key;
  const active = document.activeElement;
  const restore = active && region.contains(active) && active.id ? active.id : null;
  clear(region, build(data));
  if (restore) document.getElementById(restore)?.focus();
}

export function ago(iso) {
  if (!iso) return '—';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < -5) return 'in ' + duration(-s);
  if (s < 5) return 'just now';
  return duration(s) + ' ago';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: d.toISOString() }, ago(iso));
}

export function num(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

export function toast(message, kind) {
  const t = h('div', { class: `toast ${kind || ''}` }, message);
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), kind === 'bad' ? 9000 : 4500);
}

/** An error where it happened, saying what to do. */
export function errorBox(err, what) {
  return h('div', { class: 'alert bad', role: 'alert' }, what ? h('strong', {}, what + ': ') : null, err.message || String(err));
}

/**
 * A modal dialog (keyboard: Tab stays inside, Esc closes). build(body, close) fills it; buttons are
 * {label, class, action(dialog) -> Promise|undefined}; an action that throws shows its error and keeps it open.
 */
export function dialog({ title, build, buttons = [], id }) {
  const body = h('div', { class: 'd-body' });
  const foot = h('div', { class: 'd-foot' });
  const heading = h('h2', { id: (id || 'dlg') + '-title' }, title);
  const d = h('dialog', { id, 'aria-labelledby': (id || 'dlg') + '-title' }, h('div', { class: 'd-head' }, heading), body, foot);
  const close = () => { d.close(); };
  d.addEventListener('close', () => d.remove());
  const problem = h('div', { role: 'alert' });
  for (const b of buttons) {
    const btn = h('button', { type: 'button', class: b.class || '' }, b.label);
    btn.addEventListener('click', async () => {
      if (!b.action) return close();
      btn.disabled = true;
      clear(problem);
      try {
        const keep = await b.action(d, body);
        if (keep !== 'keep') close();
      } catch (e) {
        clear(problem, errorBox(e));
      } finally {
        btn.disabled = false;
      }
    });
    foot.append(btn);
  }
  build(body, close);
  body.append(problem);
  document.body.append(d);
  d.showModal();
  return d;
}

/** Asks before doing something that cannot be undone; resolves true when confirmed. */
export function confirm({ title, text, confirmLabel, danger, extra }) {
  return new Promise(resolve => {
    let answered = false;
    const d = dialog({
      title, id: 'confirm',
      build: body => { body.append(h('p', {}, text)); if (extra) body.append(extra); },
      buttons: [
        { label: 'Cancel' },
        { label: confirmLabel, class: danger ? 'danger solid' : 'primary', action: () => { answered = true; resolve(true); } },
      ],
    });
    d.addEventListener('close', () => { if (!answered) resolve(false); });
  });
}

export function field(label, input, hint, id) {
  input.id = input.id || id;
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'hint', id: input.id + '-hint' }, hint) : null);
}

export function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}
