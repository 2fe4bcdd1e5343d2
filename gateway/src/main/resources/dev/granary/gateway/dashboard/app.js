/*
 * Granary's dashboard: a single page over the REST API (/api/v1/...), no build step.
 *
 * On a tls cluster every call carries "Authorization: Bearer TOKEN", the token the person gave at
 * sign-in; it lives in sessionStorage (this tab only) and nothing but the sign-in form is shown
 * until the master accepts it. Every value from the cluster reaches the page through textContent,
 * never as HTML.
 */
(function () {
  'use strict';

  const TOKEN_KEY = 'granary.token';
  const STATES = ['LIVE', 'DEAD', 'DECOMMISSIONING', 'DECOMMISSIONED'];
  const $ = (id) => document.getElementById(id);

  // ---- formatting ----------------------------------------------------------------------------

  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

  function fmtBytes(n) {
    if (n === null || n === undefined || !isFinite(n)) {
      return '–';
    }
    let v = Math.abs(n);
    let u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    const s = u === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : 1);
    return (n < 0 ? '-' : '') + s + ' ' + UNITS[u];
  }

  function fmtRate(n) {
    return n === null || n === undefined ? '–' : fmtBytes(n) + '/s';
  }

  function fmtSeconds(s) {
    if (s === null || s === undefined || !isFinite(s)) {
      return '–';
    }
    if (s < 60) {
      return (s < 10 ? s.toFixed(1) : Math.round(s)) + ' s';
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
      return m + ' min ' + Math.round(s - m * 60) + ' s';
    }
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }

  function fmtCount(n) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en');
  }

  function fmtTime(millis) {
    return millis ? new Date(millis).toLocaleString() : '–';
  }

  function percent(part, whole) {
    return whole > 0 ? Math.min(100, (100 * part) / whole) : 0;
  }

  /** "rwxr-xr-x" from "755", with d for a directory. */
  function fmtMode(permission, dir) {
    const bits = parseInt(permission, 8);
    if (isNaN(bits)) {
      return '';
    }
    let s = dir ? 'd' : '-';
    for (let shift = 6; shift >= 0; shift -= 3) {
      const b = bits >> shift;
      s += (b & 4 ? 'r' : '-') + (b & 2 ? 'w' : '-') + (b & 1 ? 'x' : '-');
    }
    return s;
  }

  // ---- DOM helpers ---------------------------------------------------------------------------

  /** An element with attributes and children (strings become text nodes, never HTML). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === 'class') {
        e.className = v;
      } else if (k.startsWith('on')) {
        e.addEventListener(k.substring(2), v);
      } else {
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    }
    return e;
  }

  function setText(id, text) {
    $(id).textContent = text;
  }

  function badge(state) {
    return el('span', {class: 'badge ' + state}, state);
  }

  function bar(used, capacity) {
    const pct = percent(used, capacity);
    const fill = el('div', {class: 'fill' + (pct >= 95 ? ' full' : pct >= 80 ? ' high' : '')});
    fill.style.width = pct.toFixed(1) + '%';
    return el('div', {class: 'bar', title: pct.toFixed(1) + '%'}, fill);
  }

  function showError(id, error) {
    const p = $(id);
    p.textContent = error ? error.message : '';
    p.hidden = !error;
  }

  // ---- the REST API --------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** "a/b c" as the URL path "a/b%20c"; the root is "". */
  function encodePath(path) {
    return path.split('/').filter((c) => c !== '').map(encodeURIComponent).join('/');
  }

  function joinPath(dir, name) {
    return (dir === '/' ? '' : dir) + '/' + name;
  }

  function baseName(path) {
    return path.substring(path.lastIndexOf('/') + 1) || '/';
  }

  const api = {
    token: sessionStorage.getItem(TOKEN_KEY),

    async send(method, path, options) {
      const opts = options || {};
      const headers = {};
      if (this.token) {
        headers.Authorization = 'Bearer ' + this.token;
      }
      if (opts.body !== undefined) {
        headers['Content-Type'] = 'application/octet-stream';
      }
      let url = '/api/v1/' + path;
      if (opts.query) {
        url += '?' + new URLSearchParams(opts.query).toString();
      }
      let r;
      try {
        r = await fetch(url, {method, headers, body: opts.body, cache: 'no-store'});
      } catch (e) {
        throw new ApiError(0, 'UNREACHABLE', 'cannot reach the master: ' + e.message);
      }
      if (!r.ok) {
        const err = await errorOf(r);
        if (err.status === 401 && !opts.probe) {
          signOut(err.message);
        }
        throw err;
      }
      return r;
    },

    async json(path, query) {
      return (await this.send('GET', path, {query})).json();
    },
  };

  /** The {"error","message"} body of a failed call, or its status line. */
  async function errorOf(r) {
    let code = 'HTTP_' + r.status;
    let message = r.status + ' ' + r.statusText;
    try {
      const j = await r.json();
      if (j && typeof j.message === 'string') {
        message = j.message;
        code = j.error || code;
      }
    } catch (e) {
      // not JSON: keep the status line
    }
    return new ApiError(r.status, code, message);
  }

  // ---- sign-in -------------------------------------------------------------------------------

  let securityOff = false;

  /** Who the token belongs to (asked of the master each time: a revoked token fails here). */
  async function whoAmI() {
    return (await api.send('GET', 'whoami', {probe: true})).json();
  }

  async function boot() {
    try {
      const who = await whoAmI();
      securityOff = !api.token;
      signedIn(who);
    } catch (e) {
      $('loading').hidden = true;
      if (e.status === 401) {
        // A token kept from before that no longer works says why; a first visit just asks.
        showLogin(api.token ? e : null);
      } else {
        showBanner('The dashboard cannot load: ' + e.message, true);
      }
    }
  }

  function showLogin(error) {
    stopPolling();
    api.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    for (const p of document.querySelectorAll('.page')) {
      p.hidden = true;
    }
    $('nav').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('banner').hidden = true;
    $('login').hidden = false;
    showError('login-error', error);
    $('token').value = '';
    $('credentials-file').value = '';
    $('token').focus();
  }

  function signOut(message) {
    showLogin(message ? new Error(message) : null);
  }

  /** The token from the form: a pasted token, a pasted credentials file, or a chosen one. */
  async function credentialsFromForm() {
    const file = $('credentials-file').files[0];
    let text = $('token').value.trim();
    if (file) {
      if (file.size > 64 * 1024) {
        throw new Error('"' + file.name + '" is ' + fmtBytes(file.size)
            + ': a credentials file is a few KiB');
      }
      text = (await file.text()).trim();
    }
    if (text.startsWith('{')) {
      let j;
      try {
        j = JSON.parse(text);
      } catch (e) {
        throw new Error('not a credentials file (expected JSON {"user","token","caCert"}): '
            + e.message);
      }
      if (typeof j.token !== 'string' || j.token === '') {
        throw new Error('the credentials file has no "token"');
      }
      return j.token;
    }
    if (text === '') {
      throw new Error('give a token or choose a credentials file');
    }
    return text;
  }

  async function onLogin(event) {
    event.preventDefault();
    let token;
    try {
      token = await credentialsFromForm();
    } catch (e) {
      showError('login-error', e);
      return;
    }
    api.token = token;
    let who;
    try {
      who = await whoAmI();
    } catch (e) {
      api.token = null;
      showError('login-error', e);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    signedIn(who);
  }

  function signedIn(who) {
    $('loading').hidden = true;
    $('login').hidden = true;
    $('nav').hidden = false;
    $('logout').hidden = securityOff;
    $('who').textContent = securityOff ? 'security off' : 'signed in as ' + who.user
        + (who.superuser ? ' (superuser)' : '');
    if (securityOff) {
      showBanner('Security is off on this cluster (master.security: none): every caller acts as'
          + ' the superuser.', false);
    }
    route();
  }

  function showBanner(text, bad) {
    const b = $('banner');
    b.textContent = text;
    b.className = 'banner' + (bad ? ' bad' : '');
    b.hidden = !text;
  }

  // ---- pages and polling ---------------------------------------------------------------------

  let generation = 0;
  let timer = null;

  function stopPolling() {
    generation++;
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  }

  /** Runs fn now and every periodMillis while the page that asked is still shown. */
  function poll(fn, periodMillis) {
    stopPolling();
    const mine = generation;
    const tick = async () => {
      try {
        await fn();
        if (mine === generation && !securityOff) {
          $('banner').hidden = true;
        }
      } catch (e) {
        if (mine === generation && e.status !== 401) {
          showBanner(e.message, true);
        }
      }
      if (mine === generation) {
        timer = setTimeout(tick, periodMillis);
      }
    };
    tick();
  }

  function route() {
    if (!$('login').hidden) {
      return;
    }
    const hash = location.hash || '#/overview';
    const m = /^#\/(overview|chunkservers|files|problems)(\/.*)?$/.exec(hash);
    const page = m ? m[1] : 'overview';
    for (const p of document.querySelectorAll('.page')) {
      p.hidden = p.id !== 'page-' + page;
    }
    for (const a of document.querySelectorAll('#nav a')) {
      a.classList.toggle('active', a.dataset.page === page);
    }
    stopPolling();
    if (page === 'overview') {
      poll(refreshOverview, 3000);
    } else if (page === 'chunkservers') {
      poll(refreshChunkservers, 3000);
    } else if (page === 'files') {
      let path = '/';
      try {
        path = '/' + decodeURIComponent((m[2] || '/').substring(1));
      } catch (e) {
        path = '/';
      }
      openDirectory(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    } else {
      poll(refreshProblems, 10000);
    }
  }

  /** The history sampler's series and repair estimate, or null where the master has none. */
  async function history() {
    try {
      return await api.json('history');
    } catch (e) {
      if (e.status === 404) {
        return null;
      }
      throw e;
    }
  }

  // ---- overview ------------------------------------------------------------------------------

  /** fsck's rule, from the master's running summary (no namespace walk). */
  function healthOf(c) {
    if (c.missing > 0 && c.locationsComplete) {
      return 'CORRUPT';
    }
    if (c.missing > 0 || c.underReplicated > 0 || c.corrupt > 0 || !c.locationsComplete) {
      return 'DEGRADED';
    }
    return 'HEALTHY';
  }

  async function refreshOverview() {
    const [c, h] = await Promise.all([api.json('cluster'), history()]);
    const health = healthOf(c);
    const hb = $('health');
    hb.textContent = health;
    hb.className = 'badge ' + health;
    const alert = $('health-alert');
    const issues = [];
    if (c.underReplicated > 0) {
      issues.push(fmtCount(c.underReplicated) + ' under-replicated');
    }
    if (c.missing > 0) {
      issues.push(fmtCount(c.missing) + ' missing');
    }
    if (c.corrupt > 0) {
      issues.push(fmtCount(c.corrupt) + ' corrupt');
    }
    if (!c.locationsComplete) {
      issues.push('replica locations still being reported after a master restart');
    }
    if (c.deletionsHeld > 0) {
      issues.push(fmtCount(c.deletionsHeld) + ' replica deletions held for an operator');
    }
    alert.hidden = issues.length === 0;
    alert.className = 'alert' + (c.missing > 0 || c.corrupt > 0 ? '' : ' warn');
    alert.textContent = issues.length ? 'Chunks: ' + issues.join(', ') + '.' : '';
    countCell('count-under', c.underReplicated);
    countCell('count-missing', c.missing);
    countCell('count-corrupt', c.corrupt);
    setText('count-over', fmtCount(c.overReplicated));

    let capacity = 0;
    let used = 0;
    const byState = {};
    STATES.forEach((s) => { byState[s] = 0; });
    for (const n of c.chunkservers) {
      byState[n.state] = (byState[n.state] || 0) + 1;
      if (n.state === 'LIVE') {
        capacity += n.capacityBytes;
        used += n.usedBytes;
      }
    }
    const pct = percent(used, capacity);
    const fill = $('capacity-fill');
    fill.style.width = pct.toFixed(1) + '%';
    fill.className = 'fill' + (pct >= 95 ? ' full' : pct >= 80 ? ' high' : '');
    setText('capacity-text', fmtBytes(used) + ' used of ' + fmtBytes(capacity) + ' ('
        + pct.toFixed(1) + '%) on LIVE chunkservers; ' + fmtBytes(capacity - used) + ' free');
    setText('count-files', fmtCount(c.files));
    setText('count-dirs', fmtCount(c.directories));
    setText('count-chunks', fmtCount(c.chunks));

    const states = $('states');
    states.replaceChildren();
    for (const [s, n] of Object.entries(byState)) {
      states.append(el('dt', {}, badge(s)), el('dd', {'data-state': s}, fmtCount(n)));
    }

    const tiles = $('node-tiles');
    tiles.replaceChildren(...c.chunkservers.map((n) => el('li',
        {class: n.state, 'data-node-id': n.id, 'data-state': n.state, title: n.id},
        el('span', {class: 'id'}, n.id), el('span', {class: 'addr'}, n.address), ' ',
        badge(n.state))));
    if (c.chunkservers.length === 0) {
      tiles.append(el('li', {class: 'muted'}, 'No chunkserver has registered yet.'));
    }

    renderRepair(c, h);
    renderCharts(h);
  }

  function countCell(id, n) {
    const d = $(id);
    d.textContent = fmtCount(n);
    d.classList.toggle('nonzero', n > 0);
  }

  function renderRepair(c, h) {
    const r = h ? h.repair : null;
    const p = $('repair');
    const detail = $('repair-detail');
    const below = c.underReplicated + c.missing;
    const running = r ? r.running : below > 0 && c.replicationQueue + c.replicationsInFlight > 0;
    p.dataset.state = running ? 'running' : 'idle';
    p.className = 'repair' + (running ? ' running' : '');
    if (running) {
      p.textContent = 'Repair running' + (r && r.runningSeconds !== null ? ' for '
          + fmtSeconds(r.runningSeconds) : '') + ': ' + fmtCount(below)
          + ' chunks below their goal';
      const eta = r && r.etaSeconds !== null ? 'about ' + fmtSeconds(r.etaSeconds) + ' left'
          : 'estimating the time left';
      detail.textContent = fmtCount(c.replicationQueue) + ' queued, '
          + fmtCount(c.replicationsInFlight) + ' copying; ' + eta + '.';
    } else if (below > 0) {
      p.textContent = fmtCount(below) + ' chunks below their goal';
      detail.textContent = 'No copy is possible now (too few LIVE chunkservers for the goal?).';
    } else {
      p.textContent = 'Every chunk is at its goal';
      detail.textContent = r && r.lastSeconds !== null
          ? 'The last repair took ' + fmtSeconds(r.lastSeconds) + '.'
          : 'No repair since the master started.';
    }
    if (r && r.lastSeconds !== null) {
      detail.dataset.lastSeconds = String(r.lastSeconds);
    }
  }

  // ---- charts (uPlot) ------------------------------------------------------------------------

  const charts = {};

  function chartWidth(target) {
    return Math.max(300, target.clientWidth || 600);
  }

  function makeChart(id, series, format) {
    const target = $(id);
    if (typeof window.uPlot !== 'function') {
      target.textContent = 'The chart library did not load.';
      return null;
    }
    const opts = {
      width: chartWidth(target),
      height: 240,
      scales: {x: {time: true}},
      series: [{}].concat(series.map((s) => Object.assign({
        width: 2,
        value: (u, v) => format(v),
      }, s))),
      axes: [{}, {size: 80, values: (u, vals) => vals.map(format)}],
      legend: {live: true},
    };
    const empty = [[]].concat(series.map(() => []));
    return new window.uPlot(opts, empty, target);
  }

  function renderCharts(h) {
    if (!h || !h.samples) {
      return;
    }
    const s = h.samples;
    if (!charts.capacity) {
      charts.capacity = makeChart('chart-capacity', [
        {label: 'Used', stroke: '#2f6fb2', fill: 'rgba(47,111,178,0.15)'},
        {label: 'Capacity', stroke: '#5f6b7a', dash: [6, 4]},
      ], fmtBytes);
      charts.throughput = makeChart('chart-throughput', [
        {label: 'Read', stroke: '#2e7d32'},
        {label: 'Written', stroke: '#b26a00'},
      ], fmtRate);
    }
    if (charts.capacity) {
      charts.capacity.setData([s.time, s.usedBytes, s.capacityBytes]);
      charts.throughput.setData([s.time, s.readBytesPerSecond, s.writtenBytesPerSecond]);
    }
  }

  window.addEventListener('resize', () => {
    for (const [name, chart] of Object.entries(charts)) {
      if (chart) {
        chart.setSize({width: chartWidth($('chart-' + name)), height: 240});
      }
    }
  });

  // ---- chunkservers --------------------------------------------------------------------------

  async function refreshChunkservers() {
    const [c, h] = await Promise.all([api.json('cluster'), history()]);
    const rates = {};
    if (h && h.nodes) {
      for (const n of h.nodes) {
        rates[n.id] = n;
      }
    }
    const body = $('chunkservers').tBodies[0];
    body.replaceChildren(...c.chunkservers.map((n) => {
      // A DEAD node's last rate is from before it died: show none.
      const rate = n.state === 'DEAD' ? {} : rates[n.id] || {};
      const dec = n.decommission ? el('span', {class: 'sub'}, 'decommissioning since '
          + fmtTime(n.decommission.since) + ', ' + fmtCount(n.decommission.replicasLeft)
          + ' replicas left') : null;
      return el('tr', {class: n.state, 'data-node-id': n.id, 'data-state': n.state},
          el('td', {}, n.id, dec),
          el('td', {}, n.address),
          el('td', {}, badge(n.state)),
          el('td', {}, fmtSeconds(n.millisSinceLastPulse / 1000) + ' ago'),
          el('td', {}, bar(n.usedBytes, n.capacityBytes), el('span', {class: 'sub'},
              fmtBytes(n.usedBytes) + ' of ' + fmtBytes(n.capacityBytes))),
          el('td', {class: 'num'}, fmtCount(n.chunks)),
          el('td', {class: 'num'}, fmtRate(rate.readBytesPerSecond)),
          el('td', {class: 'num'}, fmtRate(rate.writtenBytesPerSecond)),
          el('td', {class: 'num'}, fmtCount(n.activeTransfers)));
    }));
  }

  // ---- file browser --------------------------------------------------------------------------

  let currentDir = '/';
  let statPath = null;

  function filesHash(path) {
    return '#/files/' + encodePath(path);
  }

  function setFilesStatus(text) {
    setText('files-status', text);
  }

  async function openDirectory(path) {
    currentDir = path;
    renderCrumbs(path);
    showError('files-error', null);
    closeStat();
    const body = $('files').tBodies[0];
    let listing;
    try {
      listing = await api.json('list/' + encodePath(path));
    } catch (e) {
      body.replaceChildren();
      showError('files-error', e);
      return;
    }
    if (currentDir !== path) {
      return; // the person moved on while this loaded
    }
    const entries = (Array.isArray(listing) ? listing : listing.entries || [])
        .slice().sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name)
            : a.type === 'dir' ? -1 : 1));
    body.replaceChildren(...entries.map(entryRow));
    $('files-empty').hidden = entries.length > 0;
  }

  function entryRow(e) {
    const dir = e.type === 'dir';
    const path = e.path || joinPath(currentDir, e.name);
    const name = dir ? el('a', {href: filesHash(path), class: 'dir'}, e.name + '/')
        : el('button', {type: 'button', class: 'link', onclick: () => openStat(path)}, e.name);
    const actions = el('td', {class: 'actions'});
    if (!dir) {
      actions.append(el('button', {type: 'button', class: 'download',
        onclick: () => download(path)}, 'Download'), ' ');
    }
    actions.append(el('button', {type: 'button', class: 'danger delete',
      onclick: () => remove(path, dir)}, 'Delete'));
    return el('tr', {'data-name': e.name, 'data-type': e.type},
        el('td', {}, name),
        el('td', {class: 'num'}, dir ? '' : fmtBytes(e.size)),
        el('td', {}, fmtTime(e.modified)),
        el('td', {}, (e.owner || '') + (e.group ? ':' + e.group : '')),
        el('td', {}, el('code', {}, fmtMode(e.permission, dir))),
        el('td', {class: 'num'}, dir ? '' : e.replication),
        actions);
  }

  function renderCrumbs(path) {
    const nav = $('breadcrumbs');
    nav.replaceChildren(el('a', {href: filesHash('/')}, '/'));
    let acc = '';
    const parts = path.split('/').filter((c) => c !== '');
    parts.forEach((part, i) => {
      acc += '/' + part;
      if (i > 0) {
        nav.append(el('span', {class: 'sep'}, '/'));
      }
      nav.append(i === parts.length - 1 ? el('span', {}, part)
          : el('a', {href: filesHash(acc)}, part));
    });
  }

  async function openStat(path) {
    showError('files-error', null);
    let st;
    try {
      st = await api.json('stat/' + encodePath(path));
    } catch (e) {
      showError('files-error', e);
      return;
    }
    statPath = path;
    setText('stat-title', path);
    const fields = $('stat-fields');
    fields.replaceChildren();
    const shown = [
      ['Size', fmtBytes(st.size) + ' (' + fmtCount(st.size) + ' bytes)'],
      ['Modified', fmtTime(st.modified)],
      ['Owner', st.owner + ':' + st.group],
      ['Mode', fmtMode(st.permission, st.type === 'dir') + ' (' + st.permission + ')'],
      ['Replication goal', st.replication],
      ['Chunk size', fmtBytes(st.chunkSize)],
    ];
    if (st.compression) {
      shown.push(['Compression', st.compression + (st.storedSize !== undefined
          ? ', ' + fmtBytes(st.storedSize) + ' stored' : '')]);
    }
    if (st.encrypted) {
      shown.push(['Encrypted', 'yes (on the client)']);
    }
    for (const [k, v] of shown) {
      fields.append(el('dt', {}, k), el('dd', {}, v));
    }
    const chunks = st.chunks || [];
    $('stat-chunks').tBodies[0].replaceChildren(...chunks.map((c) => {
      const under = c.replicas.length < st.replication;
      return el('tr', {class: under ? 'under' : null, 'data-handle': c.handle},
          el('td', {class: 'num'}, c.index),
          el('td', {}, el('code', {}, c.handle)),
          el('td', {class: 'num'}, c.version),
          el('td', {class: 'num'}, fmtBytes(c.size)),
          el('td', {}, c.replicas.length ? c.replicas.join(', ') : 'no live replica',
              under ? el('span', {class: 'sub'}, c.replicas.length + ' of '
                  + st.replication) : null));
    }));
    $('stat-chunks').hidden = chunks.length === 0;
    $('stat-download').hidden = st.type === 'dir';
    $('stat').hidden = false;
  }

  function closeStat() {
    statPath = null;
    $('stat').hidden = true;
  }

  async function download(path) {
    setFilesStatus('Downloading ' + baseName(path) + '…');
    try {
      const r = await api.send('GET', 'files/' + encodePath(path));
      const blob = await r.blob();
      const url = URL.createObjectURL(blob);
      const a = el('a', {href: url, download: baseName(path)});
      document.body.append(a);
      a.click();
      a.remove();
      // The download has its own reference once started; free ours a little later.
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setFilesStatus('Downloaded ' + baseName(path) + ' (' + fmtBytes(blob.size) + ')');
    } catch (e) {
      setFilesStatus('');
      showError('files-error', e);
    }
  }

  async function upload(files) {
    const dir = currentDir;
    const overwrite = $('upload-overwrite').checked;
    showError('files-error', null);
    let failure = null;
    for (const f of files) {
      setFilesStatus('Uploading ' + f.name + ' (' + fmtBytes(f.size) + ')…');
      try {
        // A File body is streamed from disk by the browser, not read into memory first.
        await api.send('PUT', 'files/' + encodePath(joinPath(dir, f.name)),
            {body: f, query: overwrite ? {overwrite: 'true'} : null});
        setFilesStatus('Uploaded ' + f.name + ' (' + fmtBytes(f.size) + ')');
      } catch (e) {
        setFilesStatus('');
        failure = e.status === 409 && !overwrite
            ? new Error(e.message + ' (tick "overwrite" to replace it)') : e;
        break;
      }
    }
    if (currentDir === dir) {
      await openDirectory(dir); // what did arrive, before a failure
    }
    if (failure) {
      showError('files-error', failure);
    }
  }

  async function remove(path, dir) {
    const question = dir ? 'Delete the directory ' + path + ' and everything in it?'
        : 'Delete ' + path + '?';
    if (!window.confirm(question)) {
      return;
    }
    try {
      await api.send('DELETE', 'files/' + encodePath(path),
          {query: dir ? {recursive: 'true'} : null});
      setFilesStatus('Deleted ' + path);
    } catch (e) {
      showError('files-error', e);
      return;
    }
    await openDirectory(currentDir);
  }

  async function mkdir() {
    const name = window.prompt('Name of the new folder in ' + currentDir);
    if (!name) {
      return;
    }
    if (name.includes('/')) {
      showError('files-error', new Error('a folder name has no "/": ' + name));
      return;
    }
    try {
      await api.send('POST', 'mkdir/' + encodePath(joinPath(currentDir, name)));
    } catch (e) {
      showError('files-error', e);
      return;
    }
    location.hash = filesHash(joinPath(currentDir, name));
  }

  // ---- problems ------------------------------------------------------------------------------

  async function refreshProblems() {
    const f = await api.json('fsck');
    const b = $('fsck-status');
    b.textContent = f.status;
    b.className = 'badge ' + f.status;
    setText('fsck-when', 'checked ' + new Date().toLocaleTimeString());
    const counts = $('fsck-counts');
    counts.replaceChildren();
    for (const [label, key] of [['Files', 'files'], ['Chunks', 'chunks'],
      ['Healthy', 'healthy'], ['Under-replicated', 'underReplicated'],
      ['Over-replicated', 'overReplicated'], ['Missing', 'missing'], ['Corrupt', 'corrupt'],
      ['Replication queue', 'replicationQueue'], ['Majority-vote decisions', 'votes'],
      ['Deletions held', 'deletionsHeld']]) {
      const bad = f[key] > 0 && ['underReplicated', 'missing', 'corrupt', 'deletionsHeld']
          .includes(key);
      counts.append(el('dt', {}, label), el('dd', {class: bad ? 'nonzero' : null},
          fmtCount(f[key])));
    }
    const problems = (f.problems || []).slice();
    if (f.readOnly) {
      problems.unshift('the master cannot write its operation log: the cluster is read-only');
    }
    $('problems').replaceChildren(...problems.map((p) => el('li', {}, p)));
    $('problems-none').hidden = problems.length > 0;
  }

  // ---- wiring --------------------------------------------------------------------------------

  function wire() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => signOut(null));
    window.addEventListener('hashchange', route);
    $('upload-input').addEventListener('change', (e) => {
      const files = Array.from(e.target.files);
      e.target.value = '';
      if (files.length) {
        upload(files);
      }
    });
    $('mkdir').addEventListener('click', mkdir);
    $('refresh-files').addEventListener('click', () => openDirectory(currentDir));
    $('stat-close').addEventListener('click', closeStat);
    $('stat-download').addEventListener('click', () => statPath && download(statPath));
    $('stat-delete').addEventListener('click', () => statPath && remove(statPath, false));
    $('refresh-problems').addEventListener('click', () => poll(refreshProblems, 10000));
    boot();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
}());
