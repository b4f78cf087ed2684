// agentlens ui. Every string from a trace is untrusted: this script builds the DOM with
// createElement and textContent only (never by parsing strings as HTML), and links only to this server's
// own paths, built with encodeURIComponent.
'use strict';

const token = document.querySelector('meta[name="agentlens-token"]').content;
const body = document.body;

// el builds an element: attrs are set as properties (className, type, ...) or, for data-*
// and aria-*, as attributes; children are nodes or strings (as text).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role') e.setAttribute(k, String(v));
    else if (k === 'onclick') e.addEventListener('click', v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function clear(node) { node.replaceChildren(); return node; }

async function api(path, opts) {
  const res = await fetch(path, Object.assign({ credentials: 'same-origin', headers: { 'Accept': 'application/json' } }, opts));
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
    err.detail = data && data.error;
    err.status = res.status;
    throw err;
  }
  return data;
}

function post(path, payload) {
  return api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-Agentlens-Token': token },
    body: JSON.stringify(payload),
  });
}

function traceHref(id) { return '/traces/' + encodeURIComponent(id); }
function sessionHref(id) { return '/sessions/' + encodeURIComponent(id); }

function fmtMS(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
  return (ms / 60000).toFixed(1) + ' min';
}
function fmtNS(ns) {
  if (ns < 1e6) return (ns / 1e3).toFixed(0) + ' µs';
  return fmtMS(Math.round(ns / 1e4) / 100);
}
function fmtTime(ms) {
  const d = new Date(ms);
  return d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
function badge(text, kind) { return el('span', { className: 'badge ' + (kind || '') }, text); }
function stateBadge(state) { return badge(state, 'state-' + String(state).toLowerCase()); }
function usageText(u) { return u ? u.total + ' (' + u.input + ' in, ' + u.output + ' out)' : '—'; }
function errorBox(err) { return el('div', { className: 'error', role: 'alert' }, err.message || String(err)); }

// jsonTree renders a JSON value as nested, collapsible text; levels below open stay shut.
function jsonTree(value, open) {
  open = open === undefined ? 2 : open;
  if (value === null || typeof value !== 'object') {
    const kind = value === null ? 'null' : typeof value;
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return el('span', { className: 'json-' + kind }, text);
  }
  const isArr = Array.isArray(value);
  const keys = isArr ? value.map((_, i) => i) : Object.keys(value);
  if (keys.length === 0) return el('span', { className: 'json-empty' }, isArr ? '[]' : '{}');
  const d = el('details', { className: 'json', open: open > 0 });
  d.append(el('summary', {}, isArr ? '[' + keys.length + (keys.length === 1 ? ' item]' : ' items]') : '{' + keys.length + (keys.length === 1 ? ' key}' : ' keys}')));
  const list = el('div', { className: 'json-body' });
  for (const k of keys) {
    list.append(el('div', { className: 'json-entry' }, el('span', { className: 'json-key' }, isArr ? k + ': ' : JSON.stringify(k) + ': '), jsonTree(value[k], open - 1)));
  }
  d.append(list);
  return d;
}

// prettyBlock shows a JSON payload: a string as text, anything else as a tree, with a
// raw pretty-printed copy one click away.
function prettyBlock(title, value, id) {
  const sec = el('details', { className: 'section', open: true, id: id });
  sec.append(el('summary', {}, title));
  if (value === null || value === undefined) {
    sec.append(el('p', { className: 'muted' }, 'none'));
    return sec;
  }
  if (typeof value === 'string') sec.append(el('pre', { className: 'text' }, value));
  else sec.append(jsonTree(value, 2));
  const raw = el('details', { className: 'raw' }, el('summary', {}, 'raw JSON'), el('pre', {}, JSON.stringify(value, null, 2)));
  sec.append(raw);
  return sec;
}

function conversationBlock(messages) {
  const box = el('div', { className: 'conversation' });
  for (const m of messages) {
    const msg = el('div', { className: 'msg role-' + String(m.role).replace(/[^a-z_]/gi, '') });
    msg.append(el('div', { className: 'msg-role' }, m.role + (m.name ? ' · ' + m.name : '') + (m.tool_call_id ? ' · ' + m.tool_call_id : '')));
    if (m.content) msg.append(el('pre', { className: 'msg-content' }, m.content));
    for (const tc of m.tool_calls || []) {
      let args = tc.arguments;
      try { args = JSON.stringify(JSON.parse(tc.arguments), null, 2); } catch (e) { /* not JSON: as is */ }
      msg.append(el('div', { className: 'tool-call' }, el('span', { className: 'tool-name' }, '→ ' + tc.name + (tc.id ? ' (' + tc.id + ')' : '')), el('pre', {}, args)));
    }
    box.append(msg);
  }
  return box;
}

// ---------- trace list ----------

function listPage() {
  const params = new URLSearchParams(location.search);
  const state = {
    filter: params.get('filter') || '',
    order: params.get('order_by') || '',
    experiment: params.get('experiment') || '',
    tokens: [''], // page tokens: tokens[i] fetches page i
    page: 0,
    ids: [],
    selected: new Set(),
  };
  const filterInput = document.getElementById('filter');
  const expSelect = document.getElementById('experiment');
  const errBox = document.getElementById('filter-error');
  const tbody = document.querySelector('#traces tbody');
  const status = document.getElementById('list-status');
  const delBtn = document.getElementById('delete-selected');
  const cmpBtn = document.getElementById('compare-selected');
  const confirmBox = document.getElementById('confirm');
  const prev = document.getElementById('prev');
  const next = document.getElementById('next');

  api('/api/experiments').then((d) => {
    for (const e of d.experiments) expSelect.append(el('option', { value: e.id }, e.name + ' (' + e.id + ')'));
    expSelect.value = state.experiment;
  }).catch(() => {});

  function query(pageToken) {
    const q = new URLSearchParams();
    if (state.filter) q.set('filter', state.filter);
    if (state.order) q.set('order_by', state.order);
    if (state.experiment) q.set('experiment', state.experiment);
    if (pageToken) q.set('page_token', pageToken);
    return q;
  }

  function showFilterError(err) {
    clear(errBox);
    const d = err.detail || {};
    errBox.append(el('div', { className: 'error-msg' }, 'Invalid ' + (d.what || 'filter') + ': ' + err.message));
    if (d.input !== undefined && d.position !== undefined) {
      errBox.append(el('pre', { className: 'caret' }, d.input + '\n' + ' '.repeat(Math.min(d.position, d.input.length)) + '^ position ' + d.position));
      if ((d.what || 'filter') === 'filter') {
        filterInput.focus();
        filterInput.setSelectionRange(d.position, d.input.length);
      }
    }
    errBox.hidden = false;
  }

  function row(t) {
    const cb = el('input', { type: 'checkbox', checked: state.selected.has(t.trace_id), 'aria-label': 'Select ' + t.trace_id });
    cb.addEventListener('change', () => { if (cb.checked) state.selected.add(t.trace_id); else state.selected.delete(t.trace_id); updateButtons(); });
    const tags = el('td', { className: 'tags' });
    for (const k of Object.keys(t.tags).sort()) tags.append(el('span', { className: 'chip' }, k + '=' + t.tags[k]));
    return el('tr', { 'data-id': t.trace_id },
      el('td', {}, cb),
      el('td', { className: 'id' }, el('a', { href: traceHref(t.trace_id), className: 'trace-link' }, t.trace_id.slice(0, 11) + '…')),
      el('td', { className: 'name' }, t.name),
      el('td', {}, stateBadge(t.state)),
      el('td', { className: 'time' }, fmtTime(t.timestamp_ms)),
      el('td', { className: 'num' }, fmtMS(t.execution_time_ms)),
      el('td', { className: 'num' }, t.tokens === null ? '' : String(t.tokens)),
      el('td', { className: 'preview' }, t.request_preview),
      el('td', { className: 'preview' }, t.response_preview),
      tags);
  }

  function render(data) {
    errBox.hidden = true;
    state.ids = data.traces.map((t) => t.trace_id);
    const frag = document.createDocumentFragment();
    for (const t of data.traces) frag.append(row(t));
    if (data.traces.length === 0) frag.append(el('tr', {}, el('td', { colSpan: 10, className: 'muted empty' }, 'No traces match.')));
    clear(tbody).append(frag);
    state.tokens[state.page + 1] = data.next_page_token;
    next.disabled = !data.next_page_token;
    prev.disabled = state.page === 0;
    for (const th of document.querySelectorAll('#traces th[data-order]')) {
      const key = th.getAttribute('data-order');
      const [field, dir] = (state.order || 'timestamp_ms DESC').split(/\s+/);
      th.classList.toggle('sorted', field === key);
      th.setAttribute('aria-sort', field === key ? ((dir || 'ASC').toUpperCase() === 'DESC' ? 'descending' : 'ascending') : 'none');
    }
    status.textContent = data.traces.length + ' trace' + (data.traces.length === 1 ? '' : 's') + (state.page ? ' · page ' + (state.page + 1) : '');
    updateButtons();
  }

  async function load() {
    try {
      render(await api('/api/traces?' + query(state.tokens[state.page])));
    } catch (err) {
      if (err.status === 400 && err.detail && err.detail.position !== undefined) showFilterError(err);
      else { clear(errBox).append(el('div', {}, err.message)); errBox.hidden = false; }
      clear(tbody);
      status.textContent = '';
    }
  }

  function search() {
    state.filter = filterInput.value.trim();
    state.experiment = expSelect.value;
    state.tokens = [''];
    state.page = 0;
    history.replaceState(null, '', '/?' + query(''));
    load();
  }

  document.getElementById('search').addEventListener('submit', (ev) => { ev.preventDefault(); search(); });
  expSelect.addEventListener('change', search);
  next.addEventListener('click', () => { state.page++; load(); });
  prev.addEventListener('click', () => { if (state.page > 0) { state.page--; load(); } });
  for (const th of document.querySelectorAll('#traces th[data-order]')) {
    th.addEventListener('click', () => {
      const key = th.getAttribute('data-order');
      const [field, dir] = (state.order || 'timestamp_ms DESC').split(/\s+/);
      const desc = field === key ? (dir || 'ASC').toUpperCase() !== 'DESC' : true;
      state.order = key + (desc ? ' DESC' : ' ASC');
      document.getElementById('order_by').value = state.order;
      search();
    });
  }
  document.getElementById('select-all').addEventListener('change', (ev) => {
    for (const id of state.ids) { if (ev.target.checked) state.selected.add(id); else state.selected.delete(id); }
    for (const cb of tbody.querySelectorAll('input[type=checkbox]')) cb.checked = ev.target.checked;
    updateButtons();
  });

  function updateButtons() {
    delBtn.disabled = state.selected.size === 0;
    cmpBtn.disabled = state.selected.size !== 2;
    delBtn.textContent = state.selected.size ? 'Delete selected (' + state.selected.size + ')' : 'Delete selected';
  }
  cmpBtn.addEventListener('click', () => {
    const [a, b] = [...state.selected];
    location.href = '/compare?' + new URLSearchParams({ a: a, b: b });
  });
  delBtn.addEventListener('click', () => {
    const ids = [...state.selected];
    clear(confirmBox).append(
      'Delete ' + ids.length + ' trace' + (ids.length === 1 ? '' : 's') + '? This cannot be undone. ',
      el('button', { type: 'button', id: 'confirm-delete', className: 'danger', onclick: async () => {
        try {
          const r = await post('/api/traces/delete', { trace_ids: ids });
          status.textContent = 'Deleted ' + r.deleted + '.';
          state.selected.clear();
        } catch (err) { status.textContent = 'Delete failed: ' + err.message; }
        confirmBox.hidden = true;
        load();
      } }, 'Delete'),
      el('button', { type: 'button', id: 'confirm-cancel', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    confirmBox.hidden = false;
  });

  // New traces appear without a reload: the first page is polled while the tab is visible.
  setInterval(async () => {
    if (state.page !== 0 || document.hidden || !errBox.hidden) return;
    try {
      const data = await api('/api/traces?' + query(''));
      const ids = data.traces.map((t) => t.trace_id);
      if (ids.join() !== state.ids.join()) render(data);
    } catch (e) { /* the next tick retries */ }
  }, 3000);

  load();
}

// ---------- trace view ----------

async function tracePage() {
  const id = body.getAttribute('data-id');
  const head = document.getElementById('trace-head');
  const tree = document.getElementById('tree');
  const detail = document.getElementById('detail');
  let view;
  try {
    view = await api('/api/traces/' + encodeURIComponent(id));
  } catch (err) {
    clear(head).append(errorBox(err));
    return;
  }
  renderHead(head, view);
  renderTree(tree, view, (span) => selectSpan(id, span, detail));
  const first = view.spans[0];
  if (first) {
    tree.querySelector('.row').classList.add('selected');
    selectSpan(id, first, detail);
  }
}

function renderHead(head, view) {
  const info = view.info;
  clear(head);
  head.append(el('h1', { id: 'trace-name' }, info.name || info.trace_id));
  const facts = el('div', { className: 'facts' },
    el('span', {}, el('span', { className: 'label' }, 'Trace '), el('code', { id: 'trace-id' }, info.trace_id)),
    stateBadge(info.state),
    el('span', {}, el('span', { className: 'label' }, 'Started '), fmtTime(info.timestamp_ms)),
    el('span', {}, el('span', { className: 'label' }, 'Duration '), fmtMS(info.execution_time_ms)),
    el('span', { id: 'trace-tokens' }, el('span', { className: 'label' }, 'Tokens '), usageText(view.usage)),
    el('span', {}, el('span', { className: 'label' }, 'Spans '), String(view.spans.length)),
    el('span', {}, el('span', { className: 'label' }, 'Experiment '), info.experiment_id));
  if (info.session) facts.append(el('a', { href: sessionHref(info.session), id: 'session-link' }, 'Session ' + info.session));
  head.append(facts);

  const actions = el('div', { className: 'actions' });
  actions.append(el('a', { href: '/api/traces/' + encodeURIComponent(info.trace_id) + '/mlflow.json', download: info.trace_id + '.json', className: 'button', id: 'download' }, 'Download MLflow JSON'));
  actions.append(el('a', { href: '/compare?' + new URLSearchParams({ a: info.trace_id }), className: 'button' }, 'Compare…'));
  const confirmBox = el('span', { className: 'confirm', hidden: true });
  actions.append(el('button', { type: 'button', id: 'delete-trace', className: 'danger', onclick: () => {
    clear(confirmBox).append('Delete this trace? ',
      el('button', { type: 'button', id: 'confirm-delete', className: 'danger', onclick: async () => {
        try { await post('/api/traces/delete', { trace_ids: [info.trace_id] }); location.href = '/'; } catch (err) { confirmBox.textContent = err.message; }
      } }, 'Delete'),
      el('button', { type: 'button', id: 'confirm-cancel', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    confirmBox.hidden = false;
  } }, 'Delete trace'), confirmBox);
  head.append(actions);

  const tagBox = el('div', { className: 'tag-editor', id: 'tags' });
  head.append(tagBox);
  renderTags(tagBox, info.trace_id, info.tags);
}

function renderTags(box, traceID, tags) {
  clear(box);
  box.append(el('span', { className: 'label' }, 'Tags '));
  const msg = el('span', { className: 'muted' });
  const update = async (path, payload) => {
    try { renderTags(box, traceID, (await post(path, payload)).tags); } catch (err) { msg.textContent = err.message; }
  };
  for (const k of Object.keys(tags).sort()) {
    box.append(el('span', { className: 'chip', 'data-key': k }, k + '=' + tags[k],
      el('button', { type: 'button', className: 'chip-x', 'aria-label': 'Remove tag ' + k, onclick: () => update('/api/traces/' + encodeURIComponent(traceID) + '/tags/delete', { key: k }) }, '×')));
  }
  const key = el('input', { id: 'tag-key', placeholder: 'key', size: 10, 'aria-label': 'Tag key' });
  const value = el('input', { id: 'tag-value', placeholder: 'value', size: 14, 'aria-label': 'Tag value' });
  const form = el('form', { className: 'tag-form' }, key, value, el('button', { type: 'submit', id: 'tag-add' }, 'Set tag'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (key.value.trim() === '') { msg.textContent = 'a tag needs a key'; return; }
    update('/api/traces/' + encodeURIComponent(traceID) + '/tags', { key: key.value.trim(), value: value.value });
  });
  box.append(form, msg);
}

// renderTree lays the spans out one row each (tree order): the name indented by depth and
// a waterfall bar placed by the span's start and duration. Rows are built in one fragment;
// CSS content-visibility keeps off-screen rows cheap for traces of thousands of spans.
function renderTree(tree, view, onSelect) {
  const spans = view.spans;
  let total = 1;
  for (const s of spans) total = Math.max(total, s.start_ns + s.duration_ns);
  const hasKids = new Array(spans.length).fill(false);
  for (let i = 0; i + 1 < spans.length; i++) if (spans[i + 1].depth > spans[i].depth) hasKids[i] = true;
  const rows = [];
  const frag = document.createDocumentFragment();
  spans.forEach((s, i) => {
    const toggle = el('span', { className: hasKids[i] ? 'toggle' : 'toggle leaf', 'aria-label': 'collapse' }, hasKids[i] ? '▾' : '');
    const name = el('div', { className: 'span-name' }, toggle, el('span', { className: 'type type-' + String(s.type || 'UNKNOWN').replace(/[^A-Z_]/g, '') }, s.type || '—'), ' ', el('span', { className: 'label-name' }, s.name));
    name.style.paddingLeft = (s.depth * 14 + 4) + 'px';
    const bar = el('div', { className: 'bar' + (s.error ? ' bar-error' : '') });
    bar.style.left = (100 * s.start_ns / total) + '%';
    bar.style.width = Math.max(0.3, 100 * s.duration_ns / total) + '%';
    const lane = el('div', { className: 'lane' }, bar, el('span', { className: 'dur' }, fmtNS(s.duration_ns)));
    const row = el('div', { className: 'row' + (s.error ? ' row-error' : ''), role: 'treeitem', 'data-span-id': s.id, 'data-i': i, tabIndex: 0 }, name, lane);
    row.addEventListener('click', (ev) => {
      if (ev.target === toggle && hasKids[i]) { collapse(i); return; }
      for (const r of tree.querySelectorAll('.row.selected')) r.classList.remove('selected');
      row.classList.add('selected');
      onSelect(s);
    });
    rows.push(row);
    frag.append(row);
  });
  clear(tree).append(frag);

  // Descendants of span i are the rows after it with a greater depth.
  function collapse(i) {
    const closing = !rows[i].classList.contains('collapsed');
    rows[i].classList.toggle('collapsed', closing);
    rows[i].querySelector('.toggle').textContent = closing ? '▸' : '▾';
    let skipBelow = -1;
    for (let j = i + 1; j < spans.length && spans[j].depth > spans[i].depth; j++) {
      if (closing) { rows[j].hidden = true; continue; }
      if (skipBelow >= 0 && spans[j].depth > skipBelow) continue;
      skipBelow = -1;
      rows[j].hidden = false;
      if (rows[j].classList.contains('collapsed')) skipBelow = spans[j].depth;
    }
  }
}

let spanRequest = 0;
async function selectSpan(traceID, span, detail) {
  const n = ++spanRequest;
  clear(detail).append(el('p', { className: 'muted' }, 'Loading ' + span.name + '…'));
  let d;
  try {
    d = await api('/api/traces/' + encodeURIComponent(traceID) + '/spans/' + encodeURIComponent(span.id));
  } catch (err) {
    if (n === spanRequest) clear(detail).append(errorBox(err));
    return;
  }
  if (n !== spanRequest) return;
  clear(detail);
  detail.append(el('h2', { id: 'span-name' }, d.name));
  detail.append(el('div', { className: 'facts' },
    badge(d.type || 'UNKNOWN', 'type type-' + String(d.type || 'UNKNOWN').replace(/[^A-Z_]/g, '')),
    badge(d.status, 'status-' + String(d.status).toLowerCase()),
    el('span', {}, el('span', { className: 'label' }, 'Start '), '+' + fmtNS(d.start_ns)),
    el('span', {}, el('span', { className: 'label' }, 'Duration '), fmtNS(d.duration_ns)),
    el('span', { id: 'span-tokens' }, el('span', { className: 'label' }, 'Tokens '), usageText(d.usage)),
    el('span', {}, el('span', { className: 'label' }, 'Span '), el('code', {}, d.id))));
  if (d.status_message) detail.append(el('pre', { className: 'error' }, d.status_message));
  if (d.conversation && d.conversation.length) {
    const sec = el('details', { className: 'section', open: true, id: 'span-conversation' }, el('summary', {}, 'Conversation'));
    sec.append(conversationBlock(d.conversation));
    detail.append(sec);
  }
  detail.append(prettyBlock('Inputs', d.inputs, 'span-inputs'));
  detail.append(prettyBlock('Outputs', d.outputs, 'span-outputs'));

  const attrs = el('details', { className: 'section', id: 'span-attributes', open: true }, el('summary', {}, 'Attributes (' + Object.keys(d.attributes).length + ')'));
  const table = el('table', { className: 'attrs' });
  for (const k of Object.keys(d.attributes).sort()) table.append(el('tr', {}, el('th', {}, k), el('td', {}, jsonTree(d.attributes[k], 0))));
  attrs.append(table);
  detail.append(attrs);

  const evs = el('details', { className: 'section', id: 'span-events', open: d.events.length > 0 }, el('summary', {}, 'Events (' + d.events.length + ')'));
  for (let i = 0; i < d.events.length;) {
    const e = d.events[i];
    if (e.kind === 'chunk') {
      let j = i;
      while (j < d.events.length && d.events[j].kind === 'chunk') j++;
      const group = el('details', { className: 'chunks' }, el('summary', {}, (j - i) + ' stream chunk' + (j - i === 1 ? '' : 's')));
      for (const c of d.events.slice(i, j)) {
        let v = c.attributes ? c.attributes['mlflow.chunk.value'] : undefined;
        try { v = JSON.parse(v); } catch (err) { /* keep the text */ }
        group.append(el('div', { className: 'chunk' }, el('span', { className: 'muted' }, '+' + fmtNS(c.time_ns) + ' '), jsonTree(v === undefined ? null : v, 0)));
      }
      evs.append(group);
      i = j;
      continue;
    }
    const a = e.attributes || {};
    const item = el('div', { className: 'event' + (e.kind === 'exception' ? ' exception' : '') }, el('div', {}, el('strong', {}, e.name), el('span', { className: 'muted' }, ' +' + fmtNS(e.time_ns))));
    if (e.kind === 'exception') {
      item.append(el('div', {}, String(a['exception.type'] || '') + ': ' + String(a['exception.message'] || '')));
      if (a['exception.stacktrace']) item.append(el('details', {}, el('summary', {}, 'stack trace'), el('pre', {}, String(a['exception.stacktrace']))));
    } else if (Object.keys(a).length) {
      item.append(jsonTree(a, 1));
    }
    evs.append(item);
    i++;
  }
  detail.append(evs);
}

// ---------- sessions ----------

async function sessionsPage() {
  const tbody = document.querySelector('#sessions tbody');
  try {
    const d = await api('/api/sessions');
    const frag = document.createDocumentFragment();
    for (const s of d.sessions) {
      frag.append(el('tr', { 'data-session': s.id },
        el('td', {}, el('a', { href: sessionHref(s.id), className: 'session-link' }, s.id)),
        el('td', { className: 'num' }, String(s.traces)),
        el('td', { className: 'time' }, fmtTime(s.first_ms)),
        el('td', { className: 'time' }, fmtTime(s.last_ms))));
    }
    if (!d.sessions.length) frag.append(el('tr', {}, el('td', { colSpan: 4, className: 'muted empty' }, 'No trace has a session yet.')));
    tbody.append(frag);
  } catch (err) {
    tbody.append(el('tr', {}, el('td', { colSpan: 4 }, errorBox(err))));
  }
}

async function sessionPage() {
  const id = body.getAttribute('data-id');
  const box = document.getElementById('conversation');
  let d;
  try { d = await api('/api/sessions/' + encodeURIComponent(id)); } catch (err) { box.append(errorBox(err)); return; }
  if (!d.traces.length) { box.append(el('p', { className: 'muted' }, 'No traces in this session.')); return; }
  for (const t of d.traces) {
    const turn = el('div', { className: 'turn', 'data-id': t.trace_id });
    turn.append(el('div', { className: 'turn-meta' }, el('a', { href: traceHref(t.trace_id) }, t.name || t.trace_id), ' · ', fmtTime(t.timestamp_ms), ' · ', fmtMS(t.execution_time_ms), t.tokens !== null ? ' · ' + t.tokens + ' tokens' : '', ' ', stateBadge(t.state)));
    turn.append(el('div', { className: 'msg role-user' }, el('div', { className: 'msg-role' }, 'user'), el('pre', { className: 'msg-content' }, t.request_preview)));
    turn.append(el('div', { className: 'msg role-assistant' }, el('div', { className: 'msg-role' }, 'assistant'), el('pre', { className: 'msg-content' }, t.response_preview)));
    box.append(turn);
  }
  if (d.truncated) box.append(el('p', { className: 'muted' }, 'Only the first ' + d.traces.length + ' traces are shown.'));
}

// ---------- compare ----------

async function comparePage() {
  const a = body.getAttribute('data-a');
  const b = body.getAttribute('data-b');
  const box = document.getElementById('compare');
  if (!a || !b) { box.append(el('p', { className: 'muted' }, 'Pick two traces: tick two rows in the list and press "Compare two", or paste two ids.')); return; }
  let views;
  try {
    views = await Promise.all([a, b].map((id) => api('/api/traces/' + encodeURIComponent(id))));
  } catch (err) { box.append(errorBox(err)); return; }
  const paths = views.map(spanPaths);
  views.forEach((v, side) => box.append(compareColumn(v, paths[side], paths[1 - side], side === 0 ? 'left' : 'right')));
}

// spanPaths names each span by the names from the root down, with a counter for repeats,
// so that the same step in two runs lines up.
function spanPaths(view) {
  const out = [];
  const stack = [];
  const seen = new Map();
  for (const s of view.spans) {
    stack.length = s.depth;
    stack.push(s.name);
    let p = stack.join(' / ');
    const n = (seen.get(p) || 0) + 1;
    seen.set(p, n);
    if (n > 1) p += ' #' + n;
    out.push(p);
  }
  return out;
}

function compareColumn(view, mine, theirs, side) {
  const other = new Set(theirs);
  const info = view.info;
  const col = el('section', { className: 'compare-col', id: 'compare-' + side });
  col.append(el('h2', {}, el('a', { href: traceHref(info.trace_id) }, info.name || info.trace_id)));
  col.append(el('div', { className: 'facts' }, el('code', {}, info.trace_id), stateBadge(info.state),
    el('span', {}, el('span', { className: 'label' }, 'Duration '), fmtMS(info.execution_time_ms)),
    el('span', { className: 'compare-tokens' }, el('span', { className: 'label' }, 'Tokens '), usageText(view.usage)),
    el('span', {}, el('span', { className: 'label' }, 'Spans '), String(view.spans.length))));
  const list = el('div', { className: 'compare-tree' });
  view.spans.forEach((s, i) => {
    const r = el('div', { className: 'compare-row' + (other.has(mine[i]) ? '' : ' only'), title: other.has(mine[i]) ? '' : 'not in the other trace' },
      el('span', { className: 'type type-' + String(s.type || 'UNKNOWN').replace(/[^A-Z_]/g, '') }, s.type || '—'), ' ', el('span', { className: 'label-name' }, s.name),
      el('span', { className: 'dur' }, fmtNS(s.duration_ns) + (s.usage ? ' · ' + s.usage.total + ' tok' : '')));
    r.firstChild.style.marginLeft = (s.depth * 14) + 'px';
    list.append(r);
  });
  col.append(list);
  col.append(prettyBlock('Inputs', view.inputs));
  col.append(prettyBlock('Outputs', view.outputs));
  return col;
}

const pages = { list: listPage, trace: tracePage, sessions: sessionsPage, session: sessionPage, compare: comparePage };
(pages[body.getAttribute('data-page')] || (() => {}))();
