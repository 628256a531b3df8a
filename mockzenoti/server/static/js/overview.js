// Counters (deliveries by state, attempts by outcome, events), runs and targets.
//
// Counters are outbox-wide: GET /stats gives the outbox's counts and this
// process's live counts at one moment; every snapshot then shows
// outbox then + (live now - live then). Pending, delivering and retrying are
// this process's live counts as they are (only a running engine has them).
// The page re-reads /stats after its actions, when a run ends, and now and
// then, so the counts stay exact (a redelivered delivery, for one, leaves
// the live count of its old state as it was).

import { badge, esc, int, ms, OUTCOMES } from "./format.js";

const LIVE_ONLY = new Set(["pending", "delivering", "retrying"]);

export class Counters {
  constructor(root, attemptsRoot, eventsNode, latencyNode) {
    this.root = root;
    this.attemptsRoot = attemptsRoot;
    this.eventsNode = eventsNode;
    this.latencyNode = latencyNode;
    this.outbox = { states: {}, attempts: {}, events: 0 };
    this.then = { states: {}, attempts: {}, accepted: 0 };
    this.live = { states: {}, attempts: {}, accepted: 0 };
    this.rates = null;
    this.latency = null; // the outbox's attempt latency percentiles, from GET /stats
    this.dirty = true;
  }

  /** A GET /stats answer: the outbox's counts beside this process's. */
  fromStats(stats) {
    const live = stats.live || {};
    if (stats.latency) this.latency = stats.latency;
    this.outbox = { states: stats.deliveries || {}, attempts: stats.attempts || {}, events: stats.events || 0 };
    this.then = { states: live.states || {}, attempts: live.attempts || {}, accepted: live.accepted || 0 };
    this.live = this.then;
    this.dirty = true;
  }

  /** A `snapshot` (or the `counters` of `hello`). */
  fromSnapshot(snap) {
    this.live = { states: snap.states || {}, attempts: snap.attempts || {}, accepted: snap.accepted || 0 };
    if (snap.throughput) this.rates = snap.throughput;
    this.dirty = true;
  }

  state(name) {
    const live = this.live.states[name] || 0;
    if (LIVE_ONLY.has(name)) return live;
    return Math.max(0, (this.outbox.states[name] || 0) + live - (this.then.states[name] || 0));
  }

  attempts(outcome) {
    const moved = (this.live.attempts[outcome] || 0) - (this.then.attempts[outcome] || 0);
    return Math.max(0, (this.outbox.attempts[outcome] || 0) + moved);
  }

  events() {
    return Math.max(0, this.outbox.events + this.live.accepted - this.then.accepted);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    for (const card of this.root.querySelectorAll("[data-counter]")) {
      card.querySelector(".value").textContent = int(this.state(card.dataset.counter));
    }
    const outcomes = new Set([...OUTCOMES, ...Object.keys(this.live.attempts), ...Object.keys(this.outbox.attempts)]);
    let total = 0;
    const parts = [];
    for (const outcome of outcomes) {
      const n = this.attempts(outcome);
      total += n;
      if (n || outcome === "success" || outcome === "server_error") {
        parts.push(
          `<li data-outcome="${esc(outcome)}"><span class="dot o-${esc(outcome)}"></span>` +
            `${esc(outcome.replace("_", " "))} <b>${int(n)}</b></li>`,
        );
      }
    }
    this.attemptsRoot.innerHTML = `<li class="total">attempts <b>${int(total)}</b></li>${parts.join("")}`;
    const events = this.events();
    const rate = this.rates ? ` · ${int(this.rates.accepted_per_s)}/s` : "";
    this.eventsNode.textContent = `${int(events)} events${rate}`;
    if (this.latencyNode) {
      const l = this.latency || {};
      this.latencyNode.innerHTML =
        "latency" + ["p50", "p90", "p99"].map((k) => `<b data-p="${k}">${k} ${ms(l[k])}</b>`).join("");
    }
  }
}

/** Items by id drawn as a list into `root`, redrawn only after a change. */
class KeyedList {
  constructor(root, empty) {
    this.root = root;
    this.empty = empty;
    this.items = new Map();
    this.dirty = true;
  }

  load(items) {
    this.items = new Map(items.map((item) => [item.id, item]));
    this.dirty = true;
  }

  /** Redraw the items, put in `order`, with `html` (or the empty line); false when unchanged. */
  drawItems(order, html) {
    if (!this.dirty) return false;
    this.dirty = false;
    const items = order([...this.items.values()]);
    this.root.innerHTML = items.length ? items.map(html).join("") : this.empty;
    return true;
  }
}

/** The runs, newest first, with progress bars; `onStop(id)` stops one. */
export class Runs extends KeyedList {
  constructor(root) {
    super(root, '<li class="empty">No runs yet. <code>POST /runs</code> starts one.</li>');
  }

  upsert(run) {
    this.items.set(run.id, { ...(this.items.get(run.id) || {}), ...run });
    this.dirty = true;
  }

  /** A run.state, run.progress or run.finished change; false when the run is unknown. */
  update(change) {
    const run = this.items.get(change.run_id);
    if (!run) return false;
    if (change.type === "run.state") {
      run.state = change.state;
      run.stop_requested = change.stop_requested;
      run.error = change.error;
    }
    if (change.accepted !== undefined) run.accepted = change.accepted;
    if (change.counts) run.counts = change.counts;
    if (change.stop_requested !== undefined) run.stop_requested = change.stop_requested;
    this.dirty = true;
    return true;
  }

  draw() {
    if (!this.drawItems((runs) => runs.sort((a, b) => b.id - a.id).slice(0, 8), runHtml)) return;
    // widths through the CSSOM: the page's policy allows no inline style attributes
    for (const seg of this.root.querySelectorAll("[data-w]")) seg.style.width = seg.dataset.w;
  }
}

function runHtml(run) {
  const counts = run.counts || {};
  const settled = ["delivered", "dead", "held", "discarded"].reduce((n, s) => n + (counts[s] || 0), 0);
  const known = Object.values(counts).reduce((n, v) => n + v, 0);
  const planned = run.events ? run.events * Math.max(1, (run.targets || []).length) : 0;
  const total = Math.max(known, run.state === "running" ? planned : known, 1);
  const pct = (n) => `${((100 * (n || 0)) / total).toFixed(2)}%`;
  const events = run.events ? `${int(run.accepted)} / ${int(run.events)} events` : `${int(run.accepted)} events`;
  const stopping = run.state === "running" && run.stop_requested;
  const state = stopping ? "stopping" : run.state;
  const problems = ["retrying", "dead", "held"]
    .filter((s) => counts[s])
    .map((s) => `<span class="t-${s}">${int(counts[s])} ${s}</span>`)
    .join(" · ");
  const stop =
    run.state === "running" && !run.stop_requested
      ? `<button type="button" class="small" data-action="stop-run" data-run="${run.id}">Stop</button>`
      : "";
  return `<li class="run" data-run="${run.id}" data-state="${esc(run.state)}">
    <div class="run-head">
      <span class="run-name">#${run.id} ${esc(run.scenario || "run")}
        <span class="muted">seed ${esc(run.seed ?? "")}</span></span>
      ${badge(state)} ${stop}
    </div>
    <div class="bar${run.state === "running" ? " active" : ""}" role="progressbar"
      aria-valuemin="0" aria-valuemax="${total}" aria-valuenow="${settled}">
      <span class="seg s-delivered" data-w="${pct(counts.delivered)}"></span>
      <span class="seg s-retrying" data-w="${pct(counts.retrying)}"></span>
      <span class="seg s-dead" data-w="${pct(counts.dead)}"></span>
      <span class="seg s-held" data-w="${pct(counts.held)}"></span>
    </div>
    <div class="run-foot">
      <span>${events} · ${int(counts.delivered || 0)} delivered</span>
      ${problems ? `<span>${problems}</span>` : ""}
    </div>
    ${run.error ? `<div class="run-error">${esc(run.error)}</div>` : ""}
  </li>`;
}

/** The targets, with their state and a Reactivate button for inactive ones. */
export class Targets extends KeyedList {
  constructor(root) {
    super(root, '<li class="empty">No targets. <code>POST /targets</code> adds a webhook URL.</li>');
  }

  setActive(id, active) {
    const target = this.items.get(id);
    if (!target) return false;
    target.active = active;
    this.dirty = true;
    return true;
  }

  draw() {
    this.drawItems((items) => items.sort((a, b) => a.id.localeCompare(b.id)), targetHtml);
  }
}

function filtered(types) {
  if (!types) return "";
  return types.length === 1 ? ` · ${esc(types[0])} only` : ` · ${types.length} event types`;
}

function targetHtml(t) {
  const state = t.active ? "active" : "inactive";
  const action = t.active
    ? ""
    : `<button type="button" class="small" data-action="reactivate" data-target="${esc(t.id)}">Reactivate</button>`;
  return `<li class="target" data-target="${esc(t.id)}" data-active="${t.active}">
    <div class="target-head"><span class="target-name">${esc(t.id)}</span>
      <span class="badge t-${state}">${state}</span>${action}</div>
    <div class="target-url mono" title="${esc(t.url)}">${esc(t.method || "POST")} ${esc(t.url)}</div>
    <div class="muted small-text" title="${esc(t.retry_description || "")}">
      signing ${esc(t.signing)} · retry ${esc(t.retry)}${filtered(t.event_types)}</div>
  </li>`;
}
