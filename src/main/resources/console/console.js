/*
 * Baton operator console. Hand-written, no build step, no library: the page talks to the same REST
 * API as the Prefect client (/api/...) plus the console's own endpoints (/api/console/...), and
 * listens to /api/console/live (server-sent events, one snapshot a second, read through fetch so
 * that the API's Authorization header goes along). Every text from the server is set with
 * textContent, never parsed as HTML. Views are hash routes, so each run and view has its own URL.
 */
'use strict';

const STATES = ['SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'CANCELLING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'];
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED']);
const AUTH_KEY = 'baton.auth';

// ---- small DOM helpers ------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function badge(type, name) {
  const t = type || 'NONE';
  return h('span', { class: 'badge s-' + t, 'data-state': t, title: t }, name || t);
}

function fmtNum(n) {
  if (n === null || n === undefined) return '—';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return (Math.round(n * 10) / 10).toLocaleString('en-US');
}

function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function fmtSecs(s) {
  if (s === null || s === undefined) return '—';
  if (s < 1) return Math.round(s * 1000) + ' ms';
  if (s < 120) return (Math.round(s * 10) / 10) + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  return (Math.round(s / 360) / 10) + ' h';
}

function short(id) { return id ? String(id).slice(0, 8) : '—'; }

// ---- API --------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super('HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

function authHeader() {
  const secret = sessionStorage.getItem(AUTH_KEY);
  if (!secret) return {};
  // Basic base64(UTF-8 bytes of the secret), as Prefect's client sends PREFECT_API_AUTH_STRING
  const bytes = new TextEncoder().encode(secret);
  let bin = '';
  bytes.forEach(b => { bin += String.fromCharCode(b); });
  return { Authorization: 'Basic ' + btoa(bin) };
}

async function api(method, path, body) {
  const headers = Object.assign({ Accept: 'application/json' }, authHeader());
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch('/api' + path, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = text; }
  if (res.status === 401) {
    Login.show(sessionStorage.getItem(AUTH_KEY) ? 'The auth string was not accepted.' : null);
    throw new ApiError(401, json);
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** What an API failure says, in words: detail, exception_message, the 422's field errors. */
function errorText(e) {
  if (!(e instanceof ApiError)) return String(e && e.message || e);
  const b = e.body;
  if (b && typeof b === 'object') {
    if (Array.isArray(b.exception_detail)) {
      return b.exception_detail.map(d => (d.loc ? d.loc.join('.') + ': ' : '') + d.msg).join('\n');
    }
    if (typeof b.detail === 'string') return b.detail;
    if (Array.isArray(b.detail)) return b.detail.map(d => (d.loc ? d.loc.join('.') + ': ' : '') + d.msg).join('\n');
    if (b.exception_message) return b.exception_message;
  }
  return 'The server answered ' + e.status + '.';
}

function unavailable(e, what) {
  if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
    return h('p', { class: 'notice', 'data-unavailable': what },
      what + ' are not available on this server yet (the API answered ' + e.status + ' to its Prefect route).');
  }
  return h('p', { class: 'error', role: 'alert' }, errorText(e));
}

// ---- sign-in ----------------------------------------------------------------------------------

const Login = {
  waiting: [],
  show(error) {
    const overlay = document.getElementById('login');
    const err = document.getElementById('login-error');
    err.hidden = !error;
    err.textContent = error || '';
    if (overlay.hidden) {
      overlay.hidden = false;
      document.getElementById('secret').focus();
    }
  },
  init() {
    document.getElementById('login-form').addEventListener('submit', ev => {
      ev.preventDefault();
      sessionStorage.setItem(AUTH_KEY, document.getElementById('secret').value);
      document.getElementById('secret').value = '';
      document.getElementById('login').hidden = true;
      document.getElementById('logout').hidden = false;
      Live.restart();
      render();
    });
    const out = document.getElementById('logout');
    out.hidden = !sessionStorage.getItem(AUTH_KEY);
    out.addEventListener('click', () => {
      sessionStorage.removeItem(AUTH_KEY);
      out.hidden = true;
      Live.restart();
      render();
    });
  },
};

// ---- the live feed ----------------------------------------------------------------------------

const Live = {
  last: null,
  listeners: new Set(),
  controller: null,
  retry: 1000,
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
  status(on, text) {
    const el = document.getElementById('live');
    el.classList.toggle('on', on);
    el.classList.toggle('off', !on);
    document.getElementById('live-text').textContent = text;
  },
  restart() {
    if (this.controller) this.controller.abort();
    this.connect();
  },
  async connect() {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const res = await fetch('/api/console/live', { headers: authHeader(), cache: 'no-store', signal: controller.signal });
      if (res.status === 401) {
        this.status(false, 'signed out');
        Login.show(sessionStorage.getItem(AUTH_KEY) ? 'The auth string was not accepted.' : null);
        return; // reconnected after sign-in
      }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      this.retry = 1000;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = block.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n');
          if (data) this.deliver(JSON.parse(data));
        }
      }
      throw new Error('stream ended');
    } catch (e) {
      if (controller.signal.aborted) return;
      this.status(false, 'reconnecting…');
      setTimeout(() => { if (this.controller === controller) this.connect(); }, this.retry);
      this.retry = Math.min(this.retry * 2, 15000);
    }
  },
  deliver(s) {
    this.last = s;
    const t = new Date(s.at);
    this.status(true, 'live · ' + t.toLocaleTimeString('en-GB'));
    document.body.dataset.liveSeq = s.seq;
    for (const fn of this.listeners) {
      try { fn(s); } catch (e) { console.error(e); }
    }
  },
};

/** Runs fn at most once per `ms`, the last call winning (a trailing call is kept). */
function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return function () {
    const now = Date.now();
    if (timer) return;
    const wait = Math.max(0, last + ms - now);
    timer = setTimeout(() => { timer = null; last = Date.now(); fn(); }, wait);
  };
}

// ---- routing ----------------------------------------------------------------------------------

let current = null; // { dispose }

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query || '') };
}

function link(parts, params) {
  const q = params && [...new URLSearchParams(params).entries()].filter(([, v]) => v !== '' && v !== null && v !== undefined);
  return '#/' + parts.map(encodeURIComponent).join('/') + (q && q.length ? '?' + new URLSearchParams(q).toString() : '');
}

const VIEWS = {
  overview: overviewView,
  runs: runsView,
  'flow-run': flowRunView,
  'task-run': taskRunView,
  paused: pausedView,
  concurrency: concurrencyView,
  deployments: deploymentsView,
  'work-pools': workPoolsView,
};

function render() {
  const { parts, params } = parseHash();
  const name = parts[0] || 'overview';
  const view = VIEWS[name] || notFoundView;
  if (current && current.dispose) current.dispose();
  const main = document.getElementById('main');
  main.replaceChildren();
  for (const a of document.querySelectorAll('#nav a')) {
    const v = a.dataset.view;
    const on = v === name || (v === 'runs' && (name === 'flow-run' || name === 'task-run'));
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  current = view(main, parts.slice(1), params) || {};
}

function notFoundView(main) {
  main.append(h('h1', {}, 'Not found'), h('p', {}, 'No such view. ', h('a', { href: '#/overview' }, 'Overview')));
}

function mount(main, title) {
  document.title = title + ' · Baton';
  const heading = h('h1', { tabindex: '-1' }, title);
  main.append(heading);
  return heading;
}

// ---- overview ---------------------------------------------------------------------------------

function overviewView(main) {
  mount(main, 'Overview');
  const kpis = h('div', { class: 'kpis' });
  const flowCounts = h('div', { class: 'counts', id: 'flow-run-counts' });
  const taskCounts = h('div', { class: 'counts', id: 'task-run-counts' });
  const countsNote = h('p', { class: 'muted small' });
  const tChart = h('div');
  const pChart = h('div');
  const rules = h('div', { class: 'scroll' });
  const overload = h('div', { class: 'scroll' });
  main.append(kpis,
    h('div', { class: 'grid two' },
      h('section', { class: 'card', 'aria-labelledby': 'h-fr' }, h('h2', { id: 'h-fr' }, 'Flow runs by state'), flowCounts),
      h('section', { class: 'card', 'aria-labelledby': 'h-tr' }, h('h2', { id: 'h-tr' }, 'Task runs by state'), taskCounts)),
    countsNote,
    h('div', { class: 'grid two' },
      h('section', { class: 'card' }, h('h2', {}, 'Transitions per second'), tChart,
        h('div', { class: 'legend' }, h('span', {}, h('i', { class: 'k-accepted' }), 'accepted'),
          h('span', {}, h('i', { class: 'k-rejected' }), 'rejected'), h('span', {}, h('i', { class: 'k-waited' }), 'waited'),
          h('span', {}, h('i', { class: 'k-aborted' }), 'aborted'))),
      h('section', { class: 'card' }, h('h2', {}, 'Proposal latency, p99'), pChart,
        h('p', { class: 'muted small' }, 'From baton_orchestration_duration_seconds, as histogram_quantile computes it, per second.')),
      h('section', { class: 'card' }, h('h2', {}, 'REJECT, WAIT and ABORT by rule'), rules),
      h('section', { class: 'card' }, h('h2', {}, 'Overload refusals (503)'), overload)));

  function countTiles(el, kind, counts) {
    el.replaceChildren();
    const all = Object.assign({}, ...STATES.map(s => ({ [s]: 0 })), counts || {});
    for (const [state, n] of Object.entries(all)) {
      if (state === 'NONE' && !n) continue;
      el.append(h('a', {
        class: 'count s s-' + state, href: link(['runs'], { kind, state: state === 'NONE' ? '' : state }),
        'data-count': kind + '.' + state,
      }, h('span', { class: 'n' }, n.toLocaleString('en-US')), badge(state, state.toLowerCase())));
    }
  }

  function update(s) {
    const m = s.metrics;
    const recentOverload = m.overload.reduce((a, o) => a + o.recent, 0);
    kpis.replaceChildren(
      kpi('Transitions / s', fmtNum(m.transitions_per_s), 'accepted proposals, last ' + m.window_seconds + ' s', 'tps'),
      kpi('p99 latency', m.p99_ms === null ? '—' : fmtNum(m.p99_ms) + ' ms', 'proposal to committed answer', 'p99'),
      kpi('Events / s', fmtNum(m.events_per_s), 'stored, last ' + m.window_seconds + ' s', 'eps'),
      kpi('Overload refusals', fmtNum(recentOverload), 'last ' + fmtSecs(m.kept_seconds), 'overload'),
      kpi('Open console pages', String(s.pages), 'on this instance', 'pages'));
    if (s.counts) {
      countTiles(flowCounts, 'flow', s.counts.flow_runs);
      countTiles(taskCounts, 'task', s.counts.task_runs);
      countsNote.textContent = 'Counted at ' + new Date(s.counts.at).toLocaleTimeString('en-GB') + ' in ' + s.counts.took_ms
        + ' ms (recounted at most every ' + Math.max(1, Math.round(s.counts.took_ms * 20 / 1000)) + ' s). Rates, latency and rules: '
        + 'this instance\'s /metrics, the last ' + fmtSecs(m.kept_seconds) + '.';
    } else {
      countsNote.textContent = 'Counting runs…';
    }
    const ser = m.series;
    tChart.replaceChildren(chart(ser.t, [
      { values: ser.accepted, color: '#1e7f3c' }, { values: ser.rejected, color: '#b3261e' },
      { values: ser.waited, color: '#a86500' }, { values: ser.aborted, color: '#444' }], '/s', 'transitions per second, last minutes'));
    pChart.replaceChildren(chart(ser.t, [{ values: ser.p99_ms, color: '#1f5fbf' }], ' ms', 'p99 latency per second, last minutes'));
    rules.replaceChildren(m.by_rule.length === 0 ? h('p', { class: 'muted' }, 'Every proposal so far was accepted.')
      : h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Answer'), h('th', {}, 'Run kind'), h('th', {}, 'Rule'),
        h('th', { class: 'num' }, 'Last ' + fmtSecs(m.kept_seconds)), h('th', { class: 'num' }, 'Since start'))),
      h('tbody', {}, m.by_rule.map(r => h('tr', { 'data-rule': r.status + ':' + r.rule }, h('td', {}, h('span', { class: 'badge st-' + r.status }, r.status)),
        h('td', {}, r.run_kind.replace('_', ' ')), h('td', { class: 'mono' }, r.rule), h('td', { class: 'num' }, fmtNum(r.recent)),
        h('td', { class: 'num' }, fmtNum(r.total)))))));
    overload.replaceChildren(m.overload.length === 0 ? h('p', { class: 'muted' }, 'Nothing refused since start.')
      : h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Recent'), h('th', { class: 'num' }, 'Since start'))),
        h('tbody', {}, m.overload.map(o => h('tr', {}, h('td', { class: 'mono' }, o.reason), h('td', { class: 'num' }, fmtNum(o.recent)),
          h('td', { class: 'num' }, fmtNum(o.total)))))));
  }
  if (Live.last) update(Live.last);
  else api('GET', '/console/overview').then(update).catch(e => countsNote.replaceChildren(h('span', { class: 'error' }, errorText(e))));
  return { dispose: Live.on(update) };
}

function kpi(label, value, sub, id) {
  return h('div', { class: 'kpi', 'data-kpi': id }, h('div', { class: 'l' }, label), h('div', { class: 'v' }, value), h('div', { class: 'l small' }, sub));
}

/** A small line chart of per-second series (times in epoch ms), hand-drawn in SVG. */
function chart(times, lines, unit, label) {
  const W = 600, H = 170, L = 44, R = 8, T = 8, B = 22;
  const n = times.length;
  const el = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'none' });
  let max = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > max) max = v;
  max = max <= 0 ? 1 : niceCeil(max);
  const x = i => L + (n <= 1 ? 0 : (i / (n - 1)) * (W - L - R));
  const y = v => T + (H - T - B) * (1 - v / max);
  for (const f of [0, 0.5, 1]) {
    el.append(svg('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e3e7ec' }),
      svg('text', { x: L - 4, y: y(max * f) + 4, 'text-anchor': 'end' }, fmtNum(max * f)));
  }
  if (n > 1) {
    const span = Math.round((times[n - 1] - times[0]) / 1000);
    el.append(svg('text', { x: L, y: H - 6 }, '−' + fmtSecs(span)), svg('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, 'now'));
  } else {
    el.append(svg('text', { x: L + 8, y: H / 2 }, 'gathering samples…'));
  }
  for (const l of lines) {
    let d = '';
    l.values.forEach((v, i) => {
      if (v === null) return;
      d += (d && l.values[i - 1] !== null ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1);
    });
    if (d) el.append(svg('path', { d, fill: 'none', stroke: l.color, 'stroke-width': 1.6, 'vector-effect': 'non-scaling-stroke' }));
  }
  const lastVals = lines.map(l => l.values[n - 1]).filter(v => v !== null && v !== undefined);
  el.append(svg('title', {}, label + (lastVals.length ? ' (now ' + lastVals.map(fmtNum).join(', ') + unit + ')' : '')));
  return el;
}

function niceCeil(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// ---- runs -------------------------------------------------------------------------------------

/** The console keyset body of the runs view's filters (Prefect's filter objects). */
function runFilterBody(kind, p) {
  const body = {};
  const states = (p.get('state') || '').split(',').filter(Boolean);
  const tags = (p.get('tags') || '').split(',').map(t => t.trim()).filter(Boolean);
  const own = {};
  if (states.length) own.state = { type: { any_: states } };
  if (tags.length) own.tags = { all_: tags };
  if (p.get('from') || p.get('to')) {
    own.expected_start_time = {};
    if (p.get('from')) own.expected_start_time.after_ = new Date(p.get('from')).toISOString();
    if (p.get('to')) own.expected_start_time.before_ = new Date(p.get('to')).toISOString();
  }
  if (p.get('name')) own.name = { like_: p.get('name') };
  if (kind === 'task' && p.get('flow_run')) own.flow_run_id = { any_: [p.get('flow_run')] };
  if (Object.keys(own).length) body[kind === 'flow' ? 'flow_runs' : 'task_runs'] = own;
  if (p.get('flow')) body.flows = { name: { like_: p.get('flow') } };
  if (p.get('deployment')) body.deployments = { name: { like_: p.get('deployment') } };
  return body;
}

const flowNames = new Map();
async function loadFlowNames(ids) {
  const missing = [...new Set(ids.filter(id => id && !flowNames.has(id)))];
  if (!missing.length) return;
  const flows = await api('POST', '/flows/filter', { flows: { id: { any_: missing } }, limit: 200 });
  for (const f of flows) flowNames.set(f.id, f.name);
}

function runsView(main, _rest, params) {
  const kind = params.get('kind') === 'task' ? 'task' : 'flow';
  mount(main, kind === 'flow' ? 'Flow runs' : 'Task runs');
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Run kind' },
    h('a', { href: link(['runs'], { kind: 'flow' }), 'aria-current': kind === 'flow' ? 'page' : null }, 'Flow runs'),
    h('a', { href: link(['runs'], { kind: 'task' }), 'aria-current': kind === 'task' ? 'page' : null }, 'Task runs'));
  const chosen = new Set((params.get('state') || '').split(',').filter(Boolean));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter runs' },
    h('fieldset', {}, h('legend', {}, 'State'), STATES.map(s => h('label', {},
      h('input', { type: 'checkbox', name: 'state', value: s, checked: chosen.has(s) }), s.toLowerCase()))),
    field('Flow name contains', h('input', { name: 'flow', value: params.get('flow') || '', size: 14 })),
    field('Tags (all of, comma-separated)', h('input', { name: 'tags', value: params.get('tags') || '', size: 14 })),
    kind === 'flow' ? field('Deployment name contains', h('input', { name: 'deployment', value: params.get('deployment') || '', size: 14 })) : null,
    kind === 'task' ? field('Flow run id', h('input', { name: 'flow_run', value: params.get('flow_run') || '', size: 14 })) : null,
    field('Expected start from', h('input', { name: 'from', type: 'datetime-local', value: params.get('from') || '' })),
    field('to', h('input', { name: 'to', type: 'datetime-local', value: params.get('to') || '' })),
    h('div', {}, h('button', { type: 'submit' }, 'Apply'), ' ', h('a', { href: link(['runs'], { kind }) }, 'Clear')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const fd = new FormData(form);
    const q = { kind, state: fd.getAll('state').join(',') };
    for (const k of ['flow', 'tags', 'deployment', 'flow_run', 'from', 'to']) if (fd.get(k)) q[k] = fd.get(k);
    location.hash = link(['runs'], q);
  });
  const table = h('div', { class: 'scroll' });
  const pager = h('div', { class: 'pager' });
  const status = h('p', { class: 'muted small', role: 'status' });
  main.append(tabs, form, h('section', { class: 'card' }, table, pager, status));
  const list = runList(kind, runFilterBody(kind, params), params.get('after'), table, pager, status, params);
  return list;
}

function field(label, input) {
  const id = 'f-' + Math.random().toString(36).slice(2, 8);
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/**
 * A live list of runs through the console's keyset endpoint: rows in view change state in place
 * when the live feed names them; the first page is read again (at most every 3 s) when the counts
 * of its kind moved.
 */
function runList(kind, body, after, table, pager, status, params, opts) {
  const o = opts || {};
  const limit = o.limit || 50;
  let rows = new Map();
  let lastTotal = null;
  let disposed = false;
  async function load() {
    try {
      const page = await api('POST', '/console/' + kind + '_runs', Object.assign({ limit }, body, after ? { after } : {}));
      if (disposed) return;
      if (kind === 'flow') await loadFlowNames(page.results.map(r => r.flow_id));
      draw(page);
    } catch (e) {
      if (!disposed) table.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  }
  function draw(page) {
    rows = new Map();
    if (!page.results.length) {
      table.replaceChildren(h('p', { class: 'muted', 'data-empty': 'true' }, page.partial ? 'No match among the runs scanned so far.' : 'No runs match.'));
    } else {
      const tbody = h('tbody', {}, page.results.map(r => {
        const tr = runRow(kind, r);
        rows.set(r.id, tr);
        return tr;
      }));
      table.replaceChildren(h('table', { class: 'runs', 'data-kind': kind }, h('thead', {}, h('tr', {},
        h('th', {}, 'Name'), h('th', {}, 'State'), h('th', {}, kind === 'flow' ? 'Flow' : 'Flow run'),
        h('th', { class: 'opt' }, 'Expected start'), h('th', { class: 'opt' }, 'Started'), h('th', { class: 'num opt' }, 'Run time'),
        h('th', { class: 'opt' }, 'Tags'))), tbody));
    }
    pager.replaceChildren();
    if (o.noPager) return;
    if (after) pager.append(h('a', { href: link(['runs'], Object.assign(Object.fromEntries(params), { after: '' })) }, '« First page'));
    if (page.next) {
      pager.append(h('a', { href: link(['runs'], Object.assign(Object.fromEntries(params), { after: page.next })), rel: 'next', 'data-next': 'true' },
        page.partial ? 'Scan further »' : 'Next page »'));
    }
    if (page.partial) {
      pager.append(h('span', { class: 'muted small' }, 'This filter has no index: ' + page.scanned.toLocaleString('en-US')
        + ' of the newest runs were scanned for this page; scan further for older ones.'));
    }
    status.textContent = 'Read at ' + new Date().toLocaleTimeString('en-GB') + '.';
  }
  const reload = throttle(load, o.every || 3000);
  const off = Live.on(s => {
    for (const c of s.changes) {
      const tr = c.kind === kind + '_run' && rows.get(c.id);
      if (tr) {
        tr.querySelector('[data-col=state]').replaceChildren(badge(c.state_type, c.state_name));
        tr.classList.remove('flash');
        void tr.offsetWidth;
        tr.classList.add('flash');
      }
    }
    if (after || !s.counts) return;
    const counts = s.counts[kind + '_runs'];
    const total = Object.values(counts).reduce((a, b) => a + b, 0) + ':' + JSON.stringify(counts);
    const moved = s.changes.some(c => c.kind === kind + '_run' && !rows.has(c.id));
    if ((lastTotal !== null && total !== lastTotal) || moved || o.alwaysRefresh && s.metrics.transitions_per_s > 0) reload();
    lastTotal = total;
  });
  load();
  return { dispose() { disposed = true; off(); }, reload: load };
}

function runRow(kind, r) {
  const href = link([kind + '-run', r.id]);
  return h('tr', { 'data-run': r.id },
    h('td', {}, h('a', { href }, r.name)),
    h('td', { 'data-col': 'state' }, badge(r.state_type, r.state_name)),
    h('td', {}, kind === 'flow' ? (flowNames.get(r.flow_id) || short(r.flow_id))
      : (r.flow_run_id ? h('a', { href: link(['flow-run', r.flow_run_id]) }, short(r.flow_run_id)) : '—')),
    h('td', { class: 'opt' }, fmtTime(r.expected_start_time)),
    h('td', { class: 'opt' }, fmtTime(r.start_time)),
    h('td', { class: 'num opt' }, fmtSecs(r.estimated_run_time ?? r.total_run_time)),
    h('td', { class: 'opt' }, (r.tags || []).join(', ')));
}

// ---- a flow run -------------------------------------------------------------------------------

function flowRunView(main, rest) {
  const id = rest[0];
  const heading = mount(main, 'Flow run');
  const facts = h('div');
  const actions = h('div', { class: 'buttons', id: 'run-actions' });
  const result = h('div', { role: 'status' });
  const resume = h('div');
  const timeline = h('div');
  const tasks = h('div', { class: 'scroll' });
  const tasksPager = h('div', { class: 'pager' });
  const tasksStatus = h('p', { class: 'muted small' });
  const logs = h('div');
  const inputs = h('div');
  main.append(h('section', { class: 'card' }, facts, actions, result), resume,
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'State history'), timeline),
      h('section', { class: 'card' }, h('h2', {}, 'Run input'), inputs),
      h('section', { class: 'card wide' }, h('h2', {}, 'Task runs'), tasks, tasksPager, tasksStatus),
      h('section', { class: 'card wide' }, h('h2', {}, 'Logs'), logs)));
  let run = null;
  let disposed = false;
  let shownState = null; // the state the actions and the resume form were drawn for (kept while it holds: typed input survives)

  async function load() {
    try {
      run = await api('GET', '/flow_runs/' + id);
    } catch (e) {
      facts.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.status === 404 ? 'No flow run ' + id + '.' : errorText(e)));
      return;
    }
    if (disposed) return;
    await loadFlowNames([run.flow_id]).catch(() => {});
    heading.textContent = 'Flow run ' + run.name;
    document.title = run.name + ' · Baton';
    facts.replaceChildren(h('dl', { class: 'facts' },
      h('dt', {}, 'State'), h('dd', { id: 'run-state' }, badge(run.state_type, run.state_name), ' ', h('span', { class: 'muted small' }, fmtTime(run.state && run.state.timestamp))),
      h('dt', {}, 'Flow'), h('dd', {}, flowNames.get(run.flow_id) || run.flow_id),
      h('dt', {}, 'Id'), h('dd', { class: 'mono' }, run.id),
      h('dt', {}, 'Deployment'), h('dd', {}, run.deployment_id || '—'),
      h('dt', {}, 'Work pool / queue'), h('dd', {}, (run.work_pool_name || '—') + ' / ' + (run.work_queue_name || '—')),
      h('dt', {}, 'Tags'), h('dd', {}, (run.tags || []).join(', ') || '—'),
      h('dt', {}, 'Expected start'), h('dd', {}, fmtTime(run.expected_start_time)),
      h('dt', {}, 'Started / ended'), h('dd', {}, fmtTime(run.start_time) + ' / ' + fmtTime(run.end_time)),
      h('dt', {}, 'Run count'), h('dd', {}, String(run.run_count)),
      h('dt', {}, 'Parameters'), h('dd', { class: 'mono' }, JSON.stringify(run.parameters))));
    if (shownState !== run.state_id) {
      shownState = run.state_id;
      drawActions();
      drawResume();
    }
    loadTimeline();
    loadInputs();
  }

  function drawActions() {
    actions.replaceChildren();
    const type = run.state_type;
    if (!TERMINAL.has(type) && type !== 'CANCELLING') {
      actions.append(h('button', { type: 'button', class: 'danger', id: 'cancel-run', onclick: () => act('cancel') }, 'Cancel run'));
    }
    if (TERMINAL.has(type)) {
      actions.append(h('button', { type: 'button', id: 'retry-run', onclick: () => act('retry'),
        title: run.deployment_id ? null : 'Without a deployment no worker will pick the run up' }, 'Retry run'));
    }
    actions.append(h('a', { href: link(['runs'], { kind: 'task', flow_run: id }) }, 'All its task runs'));
  }

  async function act(what) {
    const text = what === 'cancel'
      ? 'Cancel flow run “' + run.name + '”? A running run goes to Cancelling until its worker or process stops it; '
        + 'a scheduled or suspended one without infrastructure goes straight to Cancelled.'
      : 'Retry flow run “' + run.name + '”? It is scheduled again (AwaitingRetry)' + (run.deployment_id ? '.' : '; it has no deployment, so only a process serving its flow will run it.');
    if (!(await confirmDialog(text, what === 'cancel' ? 'Cancel run' : 'Retry run'))) return;
    const state = what === 'cancel'
      ? { type: 'CANCELLING', name: 'Cancelling', message: 'Cancelled from the Baton console' }
      : { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'Retried from the Baton console' };
    try {
      const r = await api('POST', '/flow_runs/' + id + '/set_state', { state, force: what === 'retry' });
      result.replaceChildren(outcome(r));
    } catch (e) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
    load();
  }

  async function drawResume() {
    resume.replaceChildren();
    if (run.state_type !== 'PAUSED') return;
    resume.append(await resumeForm(run, r => {
      load();
      return r;
    }));
  }

  async function loadTimeline() {
    try {
      const [states, decisions] = await Promise.all([
        api('GET', '/flow_run_states/?flow_run_id=' + encodeURIComponent(id)),
        api('GET', '/console/decisions/' + id).catch(() => [])]);
      if (!disposed) timeline.replaceChildren(stateTimeline(states, decisions));
    } catch (e) {
      timeline.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  }

  async function loadInputs() {
    try {
      const list = await api('POST', '/flow_runs/' + id + '/input/filter', { prefix: '', limit: 100 });
      inputs.replaceChildren(list.length === 0 ? h('p', { class: 'muted' }, 'No run input.')
        : h('dl', { class: 'facts' }, list.map(i => [h('dt', { class: 'mono' }, i.key), h('dd', { class: 'mono' }, i.value)])));
    } catch (e) {
      inputs.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  }

  const loadLogs = async () => {
    try {
      const list = await api('POST', '/logs/filter', { logs: { flow_run_id: { any_: [id] } }, sort: 'TIMESTAMP_DESC', limit: 200 });
      logs.replaceChildren(list.length === 0 ? h('p', { class: 'muted' }, 'No logs.')
        : h('pre', { class: 'logs', tabindex: '0', 'aria-label': 'Logs, newest first' },
          list.map(l => fmtTime(l.timestamp) + ' ' + levelName(l.level) + ' ' + l.name + ' — ' + l.message + '\n')));
    } catch (e) {
      logs.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  };

  const list = runList('task', { task_runs: { flow_run_id: { any_: [id] } } }, null, tasks, tasksPager, tasksStatus,
    new URLSearchParams(), { noPager: true, alwaysRefresh: true, every: 2000 });
  const reload = throttle(load, 1000);
  const reloadLogs = throttle(loadLogs, 5000);
  const off = Live.on(s => {
    if (s.changes.some(c => c.id === id)) reload();
    if (run && !TERMINAL.has(run.state_type)) reloadLogs();
  });
  load();
  loadLogs();
  return { dispose() { disposed = true; off(); list.dispose(); } };
}

function levelName(n) {
  return n >= 50 ? 'CRITICAL' : n >= 40 ? 'ERROR' : n >= 30 ? 'WARNING' : n >= 20 ? 'INFO' : 'DEBUG';
}

/** What an orchestration answer says: its status, the state now and the reason. */
function outcome(r) {
  const ok = r.status === 'ACCEPT';
  return h('p', { class: ok ? 'success' : 'error', role: ok ? 'status' : 'alert', 'data-status': r.status },
    h('span', { class: 'badge st-' + r.status }, r.status), ' ',
    r.state ? ['now ', badge(r.state.type, r.state.name), ' '] : null,
    r.details && r.details.reason ? r.details.reason : (ok ? 'Done.' : ''));
}

function stateTimeline(states, decisions) {
  const items = states.map(s => ({ at: s.timestamp, state: s }))
    .concat((decisions || []).map(d => ({ at: d.at, decision: d })))
    .sort((a, b) => new Date(a.at) - new Date(b.at));
  if (!items.length) return h('p', { class: 'muted' }, 'No states yet.');
  return h('ol', { class: 'timeline' }, items.map(i => {
    if (i.state) {
      const s = i.state;
      return h('li', { 'data-state-id': s.id }, badge(s.type, s.name), h('span', { class: 'when' }, fmtTime(s.timestamp)),
        s.message ? h('span', { class: 'msg' }, s.message) : null);
    }
    const d = i.decision;
    return h('li', { class: 'refused', 'data-decision': d.status },
      h('span', { class: 'badge st-' + d.status }, d.status), ' proposed ', badge(d.proposed_type, d.proposed_type.toLowerCase()),
      h('span', { class: 'when' }, fmtTime(d.at)),
      h('span', { class: 'msg' }, 'by ', h('code', {}, d.rule || '—'), d.reason ? ': ' + d.reason : ''));
  }));
}

// ---- resuming a paused run --------------------------------------------------------------------

/**
 * The resume form of a paused flow run: built from the run's input schema when the pause asked
 * for input (state_details.run_input_keyset.schema names the flow run input holding it), a plain
 * Resume button otherwise. The input goes to POST /api/flow_runs/{id}/resume; a REJECT's reason
 * (the schema's validation errors) is shown as the server words it.
 */
async function resumeForm(run, done) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'h-resume', id: 'resume' }, h('h2', { id: 'h-resume' }, 'Resume this run'));
  const details = (run.state && run.state.state_details) || {};
  const keyset = details.run_input_keyset;
  const out = h('div', { id: 'resume-result' });
  let schema = null;
  if (keyset && keyset.schema) {
    try {
      const raw = await fetch('/api/flow_runs/' + run.id + '/input/' + encodeURIComponent(keyset.schema), { headers: authHeader() });
      if (raw.ok) schema = JSON.parse(await raw.text());
    } catch (e) {
      schema = null;
    }
  }
  if (details.pause_timeout) box.append(h('p', { class: 'muted small' }, 'The pause times out at ' + fmtTime(details.pause_timeout) + '.'));
  const form = h('form', { id: 'resume-form', novalidate: true });
  const fields = [];
  if (schema && schema.properties) {
    if (schema.description) form.append(h('p', {}, schema.description));
    const required = new Set(schema.required || []);
    for (const [name, prop] of Object.entries(schema.properties)) {
      fields.push(schemaField(form, name, prop || {}, required.has(name), schema));
    }
  } else if (keyset) {
    form.append(h('p', { class: 'muted' }, 'The run waits for input, but its schema could not be read; send JSON.'));
  }
  const raw = keyset ? h('textarea', { id: 'resume-raw', 'aria-label': 'Run input as JSON' }) : null;
  if (raw) {
    form.append(h('details', {}, h('summary', {}, 'Send JSON instead'),
      h('p', { class: 'muted small' }, 'When not empty, this object is sent as run_input and the fields above are ignored.'), raw));
  }
  form.append(h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'resume-submit' }, 'Resume')), out);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    let body = {};
    try {
      if (raw && raw.value.trim()) body = { run_input: JSON.parse(raw.value) };
      else if (keyset) body = { run_input: Object.fromEntries(fields.map(f => f()).filter(e => e)) };
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Not JSON: ' + e.message));
      return;
    }
    try {
      const r = await api('POST', '/flow_runs/' + run.id + '/resume', body);
      out.replaceChildren(outcome(r));
      if (r.status === 'ACCEPT') setTimeout(() => done(r), 600);
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  });
  box.append(form);
  return box;
}

/** One input of the resume form for a schema property; returns the reader of its [name, value] (null: left out). */
function schemaField(form, name, prop, required, root) {
  const p = prop.$ref && root.definitions ? Object.assign({}, root.definitions[prop.$ref.split('/').pop()], prop) : prop;
  const type = Array.isArray(p.type) ? p.type.find(t => t !== 'null') : p.type;
  const label = (p.title || name) + (required ? ' *' : '');
  const hint = p.description ? h('span', { class: 'muted small' }, ' ' + p.description) : null;
  let input;
  let read;
  if (Array.isArray(p.enum)) {
    input = h('select', { name }, h('option', { value: '' }, '—'), p.enum.map(v => h('option', { value: JSON.stringify(v), selected: JSON.stringify(v) === JSON.stringify(p.default) }, String(v))));
    read = () => input.value === '' ? null : [name, JSON.parse(input.value)];
  } else if (type === 'boolean') {
    input = h('input', { type: 'checkbox', name, checked: p.default === true });
    read = () => [name, input.checked];
  } else if (type === 'integer' || type === 'number') {
    input = h('input', { type: 'text', inputmode: 'decimal', name, value: p.default ?? '' });
    read = () => {
      const v = input.value.trim();
      if (v === '') return null;
      const n = Number(v);
      return [name, Number.isNaN(n) ? v : n];
    };
  } else if (type === 'string') {
    input = h('input', { type: 'text', name, value: p.default ?? '' });
    read = () => input.value === '' && !required ? null : [name, input.value];
  } else {
    input = h('textarea', { name, 'aria-describedby': null }, p.default !== undefined ? JSON.stringify(p.default, null, 1) : '');
    read = () => {
      const v = input.value.trim();
      if (v === '') return null;
      return [name, JSON.parse(v)];
    };
  }
  input.id = 'in-' + name;
  input.dataset.field = name;
  form.append(h('div', { class: 'field spaced' },
    type === 'boolean' ? h('label', { for: input.id }, input, ' ', label, hint) : [h('label', { for: input.id }, label, hint), input]));
  return read;
}

function confirmDialog(text, okLabel) {
  const dlg = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  return new Promise(resolve => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.returnValue = '';
    dlg.showModal();
    document.getElementById('confirm-ok').focus();
  });
}

// ---- a task run -------------------------------------------------------------------------------

function taskRunView(main, rest) {
  const id = rest[0];
  const heading = mount(main, 'Task run');
  const facts = h('div');
  const timeline = h('div');
  const logs = h('div');
  main.append(h('section', { class: 'card' }, facts), h('div', { class: 'grid' },
    h('section', { class: 'card' }, h('h2', {}, 'State history'), timeline),
    h('section', { class: 'card' }, h('h2', {}, 'Logs'), logs)));
  let disposed = false;
  let run = null;
  async function load() {
    try {
      run = await api('GET', '/task_runs/' + id);
      const [states, decisions, lg] = await Promise.all([
        api('GET', '/task_run_states/?task_run_id=' + encodeURIComponent(id)),
        api('GET', '/console/decisions/' + id).catch(() => []),
        api('POST', '/logs/filter', { logs: { task_run_id: { any_: [id] } }, sort: 'TIMESTAMP_DESC', limit: 200 })]);
      if (disposed) return;
      heading.textContent = 'Task run ' + run.name;
      document.title = run.name + ' · Baton';
      facts.replaceChildren(h('dl', { class: 'facts' },
        h('dt', {}, 'State'), h('dd', { id: 'run-state' }, badge(run.state_type, run.state_name)),
        h('dt', {}, 'Id'), h('dd', { class: 'mono' }, run.id),
        h('dt', {}, 'Flow run'), h('dd', {}, run.flow_run_id ? h('a', { href: link(['flow-run', run.flow_run_id]) }, run.flow_run_id) : '—'),
        h('dt', {}, 'Task key'), h('dd', { class: 'mono' }, run.task_key + ' / ' + run.dynamic_key),
        h('dt', {}, 'Tags'), h('dd', {}, (run.tags || []).join(', ') || '—'),
        h('dt', {}, 'Expected start'), h('dd', {}, fmtTime(run.expected_start_time)),
        h('dt', {}, 'Started / ended'), h('dd', {}, fmtTime(run.start_time) + ' / ' + fmtTime(run.end_time)),
        h('dt', {}, 'Run count'), h('dd', {}, String(run.run_count))));
      timeline.replaceChildren(stateTimeline(states, decisions));
      logs.replaceChildren(lg.length === 0 ? h('p', { class: 'muted' }, 'No logs.')
        : h('pre', { class: 'logs', tabindex: '0' }, lg.map(l => fmtTime(l.timestamp) + ' ' + levelName(l.level) + ' ' + l.message + '\n')));
    } catch (e) {
      facts.replaceChildren(h('p', { class: 'error', role: 'alert' }, e.status === 404 ? 'No task run ' + id + '.' : errorText(e)));
    }
  }
  const reload = throttle(load, 2000);
  const off = Live.on(s => {
    if (s.changes.some(c => c.id === id) || (run && !TERMINAL.has(run.state_type) && s.metrics.transitions_per_s > 0)) reload();
  });
  load();
  return { dispose() { disposed = true; off(); } };
}

// ---- paused runs ------------------------------------------------------------------------------

function pausedView(main) {
  mount(main, 'Paused flow runs');
  main.append(h('p', { class: 'muted' }, 'Runs waiting in PAUSED (or suspended). Open one to resume it; a run that asked for input gets a form built from its schema.'));
  const table = h('div', { class: 'scroll' });
  const pager = h('div', { class: 'pager' });
  const status = h('p', { class: 'muted small' });
  main.append(h('section', { class: 'card' }, table, pager, status));
  return runList('flow', { flow_runs: { state: { type: { any_: ['PAUSED'] } } } }, null, table, pager, status,
    new URLSearchParams({ kind: 'flow', state: 'PAUSED' }), { limit: 100 });
}

// ---- concurrency ------------------------------------------------------------------------------

function concurrencyView(main) {
  mount(main, 'Concurrency limits');
  const v2 = h('div', { class: 'scroll' });
  const v1 = h('div', { class: 'scroll' });
  main.append(h('section', { class: 'card' }, h('h2', {}, 'Global limits (v2, tag limits included as tag:…)'), v2),
    h('section', { class: 'card spaced-top' }, h('h2', {}, 'Tag limits (v1 API)'), v1));
  let disposed = false;
  async function load() {
    try {
      const limits = await api('GET', '/console/concurrency_limits');
      const holders = await Promise.all(limits.map(l => api('GET', '/v2/concurrency_limits/' + l.id + '/holders').catch(() => [])));
      if (disposed) return;
      v2.replaceChildren(limits.length === 0 ? h('p', { class: 'muted' }, 'No limits.') : h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', { class: 'num' }, 'Active / limit'), h('th', { class: 'num' }, 'Denied (decaying)'),
          h('th', {}, 'Active'), h('th', {}, 'Holders (lease expiry)'))),
        h('tbody', {}, limits.map((l, i) => h('tr', { 'data-limit': l.name },
          h('td', { class: 'mono' }, l.name), h('td', { class: 'num', 'data-col': 'slots' }, l.active_slots + ' / ' + l.limit),
          h('td', { class: 'num' }, fmtNum(l.denied_slots)), h('td', {}, l.active ? 'yes' : 'no'),
          h('td', {}, holders[i].length === 0 ? h('span', { class: 'muted' }, 'none') : h('ul', { class: 'plain' },
            holders[i].map(x => h('li', {}, x.holder ? [x.holder.type.replace('_', ' '), ' ',
              x.holder.type === 'task_run' || x.holder.type === 'flow_run'
                ? h('a', { href: link([x.holder.type.replace('_', '-'), x.holder.id]) }, short(x.holder.id)) : short(x.holder.id)] : 'lease ' + short(x.lease_id),
            ' ×' + x.slots + ' — ', x.expiration ? 'expires ' + fmtTime(x.expiration) : 'no expiry')))))))));
      const tags = await api('POST', '/concurrency_limits/filter', {});
      if (disposed) return;
      v1.replaceChildren(tags.length === 0 ? h('p', { class: 'muted' }, 'No tag limits.') : h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Tag'), h('th', { class: 'num' }, 'Active / limit'), h('th', {}, 'Task runs holding a slot'))),
        h('tbody', {}, tags.map(t => h('tr', {}, h('td', { class: 'mono' }, t.tag),
          h('td', { class: 'num' }, (t.active_slots || []).length + ' / ' + t.concurrency_limit),
          h('td', {}, (t.active_slots || []).map(r => h('a', { href: link(['task-run', r]), class: 'gap' }, short(r)))))))));
    } catch (e) {
      v2.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  }
  const reload = throttle(load, 3000);
  const off = Live.on(s => { if (s.metrics.transitions_per_s > 0 || s.changes.length) reload(); });
  load();
  return { dispose() { disposed = true; off(); } };
}

// ---- deployments, work pools, workers (over Prefect's routes, as they land) ---------------------

function deploymentsView(main) {
  mount(main, 'Deployments');
  const box = h('section', { class: 'card scroll' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(box);
  (async () => {
    let deps;
    try {
      deps = await api('POST', '/deployments/filter', { limit: 100, sort: 'NAME_ASC' });
    } catch (e) {
      box.replaceChildren(unavailable(e, 'Deployments'));
      return;
    }
    let next = [];
    if (deps.length) {
      next = await api('POST', '/flow_runs/filter', {
        deployments: { id: { any_: deps.map(d => d.id) } }, flow_runs: { state: { type: { any_: ['SCHEDULED'] } } },
        sort: 'EXPECTED_START_TIME_ASC', limit: 200 }).catch(() => []);
    }
    await loadFlowNames(deps.map(d => d.flow_id)).catch(() => {});
    box.replaceChildren(deps.length === 0 ? h('p', { class: 'muted' }, 'No deployments.') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Deployment'), h('th', {}, 'Flow'), h('th', {}, 'Schedules'), h('th', {}, 'Next runs'),
        h('th', {}, 'Work pool / queue'), h('th', {}, 'Status'))),
      h('tbody', {}, deps.map(d => h('tr', { 'data-deployment': d.id },
        h('td', {}, d.name), h('td', {}, flowNames.get(d.flow_id) || short(d.flow_id)),
        h('td', { class: 'small' }, (d.schedules || []).map(s => h('div', {}, describeSchedule(s.schedule || s), s.active === false ? ' (off)' : ''))),
        h('td', { class: 'small' }, next.filter(r => r.deployment_id === d.id).slice(0, 3).map(r => h('div', {},
          h('a', { href: link(['flow-run', r.id]) }, fmtTime(r.expected_start_time))))),
        h('td', {}, (d.work_pool_name || '—') + ' / ' + (d.work_queue_name || '—')),
        h('td', {}, d.paused ? 'paused' : (d.status || 'active')))))));
  })();
}

function describeSchedule(s) {
  if (!s) return '—';
  if (s.cron) return 'cron ' + s.cron + (s.timezone ? ' (' + s.timezone + ')' : '');
  if (s.interval !== undefined) return 'every ' + fmtSecs(s.interval);
  if (s.rrule) return 'rrule ' + s.rrule;
  return JSON.stringify(s);
}

function workPoolsView(main) {
  mount(main, 'Work pools and workers');
  const box = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(box);
  let disposed = false;
  async function load() {
    let pools;
    try {
      pools = await api('POST', '/work_pools/filter', { limit: 100 });
    } catch (e) {
      box.replaceChildren(h('section', { class: 'card' }, unavailable(e, 'Work pools')));
      return;
    }
    const details = await Promise.all(pools.map(p => Promise.all([
      api('POST', '/work_pools/' + encodeURIComponent(p.name) + '/queues/filter', { limit: 100 }).catch(e => e),
      api('POST', '/work_pools/' + encodeURIComponent(p.name) + '/workers/filter', { limit: 100 }).catch(e => e)])));
    if (disposed) return;
    box.replaceChildren(pools.length === 0 ? h('section', { class: 'card' }, h('p', { class: 'muted' }, 'No work pools.'))
      : h('div', { class: 'grid' }, pools.map((p, i) => {
        const [queues, workers] = details[i];
        return h('section', { class: 'card', 'data-pool': p.name }, h('h2', {}, p.name, ' ', h('span', { class: 'muted small' }, p.type || '')),
          h('p', {}, 'Status: ', h('strong', {}, p.is_paused ? 'paused' : (p.status || '—')),
            p.concurrency_limit !== null && p.concurrency_limit !== undefined ? ' · concurrency limit ' + p.concurrency_limit : ''),
          h('h3', { class: 'small' }, 'Queues'),
          queues instanceof Error ? unavailable(queues, 'Work queues') : h('ul', {}, queues.map(q => h('li', {}, q.name, ' — ',
            q.is_paused ? 'paused' : (q.status || '—'), q.priority !== undefined ? ' · priority ' + q.priority : ''))),
          h('h3', { class: 'small' }, 'Workers'),
          workers instanceof Error ? unavailable(workers, 'Workers') : workers.length === 0 ? h('p', { class: 'muted' }, 'No workers.')
            : h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Worker'), h('th', {}, 'Status'), h('th', {}, 'Last heartbeat'))),
              h('tbody', {}, workers.map(w => h('tr', {}, h('td', {}, w.name), h('td', {}, w.status || '—'), h('td', {}, fmtTime(w.last_heartbeat_time)))))));
      })));
  }
  const reload = throttle(load, 10000);
  const off = Live.on(() => reload());
  load();
  return { dispose() { disposed = true; off(); } };
}

// ---- keyboard ---------------------------------------------------------------------------------

const KEYS = { o: '#/overview', r: '#/runs', p: '#/paused', c: '#/concurrency', d: '#/deployments', w: '#/work-pools' };
let gPressed = 0;
document.addEventListener('keydown', ev => {
  const t = ev.target;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  if (ev.key === 'g') { gPressed = Date.now(); return; }
  if (Date.now() - gPressed < 1500 && KEYS[ev.key]) {
    location.hash = KEYS[ev.key];
    gPressed = 0;
    ev.preventDefault();
  } else if (ev.key === '/') {
    const first = document.querySelector('main form input');
    if (first) { first.focus(); ev.preventDefault(); }
  }
});

window.addEventListener('hashchange', () => {
  render();
  const h1 = document.querySelector('main h1');
  if (h1) h1.focus();
});
Login.init();
render();
Live.connect();
