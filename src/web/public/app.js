/* global document, window, WebSocket, fetch, setTimeout, setInterval, clearInterval */
// The Sherwood dashboard: live from /ws, polling the JSON API while the socket is down. No dependencies, no build.
'use strict';

const $ = (id) => document.getElementById(id);
const POLL_MS = 2000;
const MAX_POINTS = 1000;
let history = [];
let pollTimer;

const usd = (x) =>
  x === undefined || x === null
    ? '–'
    : Number(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x) => (x === undefined ? '–' : `${(x * 100).toFixed(2)}%`);
const signClass = (x) => (Number(x) > 0 ? 'pos' : Number(x) < 0 ? 'neg' : '');

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === undefined || text === null ? '–' : String(text);
  if (className) td.className = className;
  return td;
}

function fillTable(id, rows, columns, emptyText) {
  const body = $(id).querySelector('tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(emptyText, 'empty');
    td.colSpan = columns;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = document.createElement('tr');
    tr.append(...cells);
    body.append(tr);
  }
}

function badge(id, text, className) {
  const el = $(id);
  el.textContent = text;
  el.className = `badge ${className}`;
}

function renderStatus(status) {
  badge('engine-state', status.engineState, status.engineState);
  badge('risk-state', status.riskState, status.riskState);
  badge('ready', status.health.ok ? 'READY' : 'NOT READY', status.health.ok ? 'ok' : 'fail');
  const reasons = [status.engineReason, ...status.riskReasons].filter(Boolean);
  $('reasons').textContent = reasons.join('; ');
  const up = Math.round(status.uptimeMs / 1000);
  $('meta').textContent =
    `${status.mode} · ${status.venueUrl} · up ${Math.floor(up / 3600)}h ${Math.floor((up % 3600) / 60)}m ${up % 60}s`;
  fillTable(
    'health',
    status.health.checks.map((c) => [cell(c.name), cell(c.ok ? 'ok' : 'FAIL', c.ok ? 'pos' : 'neg'), cell(c.detail)]),
    3,
    'no checks',
  );
  for (const td of $('health').querySelectorAll('tbody td:nth-child(3)')) td.style.textAlign = 'left';
  renderRiskVar(status.riskVar);
}

// VaR/ES as a fraction of equity and in quote currency: "4.21% (4,208.18)".
function renderRiskVar(v) {
  const both = (ratio) => `${pct(ratio)} (${usd(ratio * v.value)})`;
  fillTable(
    'risk-var',
    (v?.figures ?? []).map((f) => [
      cell(`${(f.confidence * 100).toFixed(0)}%`),
      cell(both(f.historicalVar)),
      cell(both(f.historicalEs)),
      cell(both(f.parametricVar)),
      cell(both(f.parametricEs)),
    ]),
    5,
    'no figure (no positions or too few bars)',
  );
  $('risk-var-meta').textContent = v ? `${v.observations} returns · value ${usd(v.value)}` : '';
}

function renderPortfolio(snapshot) {
  const a = snapshot.account;
  $('equity').textContent = usd(a.equity);
  $('cash').textContent = usd(a.cash);
  $('realized').textContent = usd(a.netRealizedPnl);
  $('realized').className = `value ${signClass(a.netRealizedPnl)}`;
  $('drawdown').textContent = pct(a.drawdown);
  $('max-drawdown').textContent = pct(a.maxDrawdown);
  fillTable(
    'positions',
    a.positions.map((p) => [
      cell(p.symbol),
      cell(p.quantity),
      cell(usd(p.averageEntryPrice)),
      cell(usd(p.mark)),
      cell(usd(p.marketValue)),
      cell(usd(p.unrealizedPnl), signClass(p.unrealizedPnl)),
    ]),
    6,
    'flat',
  );
}

function renderOrders(orders) {
  fillTable(
    'orders',
    orders.map((o) => [
      cell(o.symbol),
      cell(o.side, o.side === 'buy' ? 'pos' : 'neg'),
      cell(o.type),
      cell(o.quantity ?? (o.quoteAmount !== undefined ? `$${o.quoteAmount}` : undefined)),
      cell(o.limitPrice),
      cell(o.filledQuantity),
      cell(o.status),
      cell(o.strategyId),
    ]),
    8,
    'no open orders',
  );
}

function renderStrategies(strategies) {
  fillTable(
    'strategies',
    strategies.map((s) => [
      cell(s.id),
      cell(s.status),
      cell(s.orders),
      cell(s.denials),
      cell(s.errors, s.errors > 0 ? 'neg' : ''),
      cell(s.lastError ?? ''),
    ]),
    6,
    'no strategies',
  );
}

// Ages come from the session's feed status: quote timestamps may be venue (or replayed market) time.
function renderQuotes(quotes, status) {
  const ages = new Map(status.feeds.map((f) => [f.symbol, f.ageMs]));
  fillTable(
    'quotes',
    quotes.map((q) => [
      cell(q.symbol),
      cell(usd(q.bid)),
      cell(usd(q.ask)),
      cell(q.spread.toFixed(2)),
      cell(ages.get(q.symbol) !== undefined ? `${(ages.get(q.symbol) / 1000).toFixed(1)} s` : '–'),
    ]),
    5,
    'no quotes yet',
  );
}

// An inline SVG line of equity over time, scaled to the points' range, with the high and low labelled.
function renderChart() {
  const svg = $('equity-chart');
  const W = 1000;
  const H = 220;
  const pad = 14;
  svg.replaceChildren();
  const ns = 'http://www.w3.org/2000/svg';
  if (history.length < 2) {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', String(W / 2));
    t.setAttribute('y', String(H / 2));
    t.setAttribute('fill', '#8a96a3');
    t.setAttribute('text-anchor', 'middle');
    t.textContent = 'waiting for equity samples…';
    svg.append(t);
    return;
  }
  const t0 = history[0].timestamp;
  const t1 = history[history.length - 1].timestamp;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of history) {
    lo = Math.min(lo, p.equity);
    hi = Math.max(hi, p.equity);
  }
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x = (t) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * pad);
  const y = (v) => H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad);
  const d = history
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.timestamp).toFixed(1)},${y(p.equity).toFixed(1)}`)
    .join(' ');
  const area = document.createElementNS(ns, 'path');
  area.setAttribute('d', `${d} L${x(t1).toFixed(1)},${H - pad} L${x(t0).toFixed(1)},${H - pad} Z`);
  area.setAttribute('fill', 'rgba(88,166,255,0.10)');
  const line = document.createElementNS(ns, 'path');
  line.setAttribute('id', 'equity-line');
  line.setAttribute('d', d);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#58a6ff');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.append(area, line);
  for (const [v, yy, base] of [
    [hi, pad + 10, 'hanging'],
    [lo, H - pad - 4, 'auto'],
  ]) {
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', String(W - pad));
    label.setAttribute('y', String(yy));
    label.setAttribute('fill', '#8a96a3');
    label.setAttribute('font-size', '12');
    label.setAttribute('text-anchor', 'end');
    label.setAttribute('dominant-baseline', base);
    label.textContent = usd(v);
    svg.append(label);
  }
}

function appendSample(sample) {
  if (!sample) return;
  const last = history[history.length - 1];
  if (last && sample.timestamp <= last.timestamp) return;
  history.push(sample);
  if (history.length > MAX_POINTS * 2) history = history.slice(-MAX_POINTS);
  renderChart();
}

async function getJson(path) {
  const res = await fetch(path);
  if (!res.ok && res.status !== 503) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function loadHistory() {
  const p = await getJson(`/api/portfolio?points=${MAX_POINTS}`);
  history = p.history;
  renderPortfolio(p.snapshot);
  renderChart();
}

async function poll() {
  try {
    const [status, portfolio, orders, strategies, quotes] = await Promise.all([
      getJson('/api/status'),
      getJson(`/api/portfolio?points=${MAX_POINTS}`),
      getJson('/api/orders?limit=50'),
      getJson('/api/strategies'),
      getJson('/api/quotes'),
    ]);
    renderStatus(status);
    renderPortfolio(portfolio.snapshot);
    history = portfolio.history;
    renderChart();
    renderOrders(orders.open);
    renderStrategies(strategies.strategies);
    renderQuotes(quotes.quotes, status);
  } catch (err) {
    $('conn').textContent = `offline: ${err.message}`;
  }
}

function startPolling() {
  if (pollTimer !== undefined) return;
  $('conn').textContent = 'polling';
  void poll();
  pollTimer = setInterval(() => void poll(), POLL_MS);
}

function stopPolling() {
  if (pollTimer === undefined) return;
  clearInterval(pollTimer);
  pollTimer = undefined;
}

function connect() {
  const ws = new WebSocket(`${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`);
  ws.onopen = () => {
    stopPolling();
    $('conn').textContent = 'live';
  };
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type !== 'snapshot') return;
    renderStatus(m.status);
    renderPortfolio(m.portfolio.snapshot);
    // Each push is also a valuation: the curve keeps moving between (or without) the session's equity samples.
    if (m.portfolio.latest) appendSample(m.portfolio.latest);
    appendSample({ timestamp: m.portfolio.snapshot.timestamp, equity: m.portfolio.snapshot.account.equity });
    renderOrders(m.openOrders);
    renderStrategies(m.strategies);
    renderQuotes(m.quotes, m.status);
  };
  ws.onclose = () => {
    startPolling();
    setTimeout(connect, 3000);
  };
}

loadHistory().catch(() => startPolling());
renderChart();
connect();
