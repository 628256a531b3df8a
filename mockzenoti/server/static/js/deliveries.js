// The live table of the latest deliveries.
//
// A retrying row says when its next attempt is due and, in the status column,
// its last answer or error ("connection refused", "timeout").
//
// Rows live in a Map keyed by delivery number, capped at KEEP entries (the
// newest). Stream changes update it in O(1); the table is redrawn at most
// every DRAW_MS from the newest SHOWN rows that pass the filters.
// `reconcile()` re-reads the newest page with GET /deliveries (on load, on a
// filter change, after a reconnection or lost changes) and merges it,
// keeping whatever the stream said after the request was sent. Latency is
// known only for attempts the page saw finish (the panel lists them all).

import { get } from "./api.js";
import { badge, clock, esc, int, ms, shortId } from "./format.js";

const SHOWN = 100;
const KEEP = 400;
const DRAW_MS = 200;

export class Deliveries {
  constructor(tbody, foot) {
    this.tbody = tbody;
    this.foot = foot;
    this.rows = new Map();
    this.latency = new Map(); // delivery number -> its last attempt's latency (ms), as seen
    this.filters = { state: "", event_type: "" };
    this.paused = false;
    this.selected = null;
    this.total = null;
    this.dirty = true;
    this.lastDraw = 0;
    this.incomplete = false;
    this.fetching = null;
    this.again = false;
    this.generation = 0;
  }

  matches(row) {
    const { state, event_type } = this.filters;
    return (!state || row.state === state) && (!event_type || row.event_type === event_type);
  }

  /** A `delivery.state` change. */
  onState(change) {
    const row = this.rows.get(change.delivery);
    const now = performance.now();
    if (row) {
      row.state = change.state;
      if (change.next_at !== undefined) row.next_at = change.next_at;
      row.touched = now;
    } else {
      const fresh = {
        id: change.delivery,
        delivery_id: change.delivery_id,
        event_id: change.event_id || null,
        event_type: change.event_type,
        target: change.target,
        run_id: change.run_id,
        state: change.state,
        attempts: change.attempts ?? 0,
        next_at: change.next_at ?? null,
        last_status: null,
        latency_ms: this.latency.get(change.delivery) ?? null,
        created_at: Date.now() / 1000,
        touched: now,
      };
      if (!this.matches(fresh)) return;
      this.rows.set(fresh.id, fresh);
      if (!fresh.event_id) this.incomplete = true;
      if (this.total !== null) this.total += 1;
      this.trim();
    }
    this.dirty = true;
  }

  /** An `attempt.finished` change: attempts, last status and latency of a row shown. */
  onAttempt(change) {
    const row = this.rows.get(change.delivery);
    this.remember(change.delivery, change.latency_ms);
    if (!row) return;
    row.attempts = Math.max(row.attempts || 0, change.n);
    row.last_status = change.status;
    row.last_error = change.error;
    row.latency_ms = change.latency_ms;
    row.touched = performance.now();
    this.dirty = true;
  }

  /** Keep a latency seen (the newest KEEP * 5 of them), for rows read again later. */
  remember(id, latency) {
    this.latency.delete(id);
    this.latency.set(id, latency);
    if (this.latency.size > KEEP * 5) this.latency.delete(this.latency.keys().next().value);
  }

  trim() {
    if (this.rows.size <= KEEP * 1.25) return;
    const keys = [...this.rows.keys()].sort((a, b) => b - a);
    for (const key of keys.slice(KEEP)) {
      if (key !== this.selected) this.rows.delete(key);
    }
  }

  /** Re-read the newest deliveries that pass the filters, and merge them in. */
  reconcile() {
    if (this.fetching) {
      this.again = true; // the filters may have changed meanwhile: read once more after
      return this.fetching;
    }
    const started = performance.now();
    const generation = this.generation;
    const query = { order: "desc", limit: SHOWN, ...this.filters };
    this.fetching = get("/deliveries", query)
      .then((page) => {
        if (generation !== this.generation) return;
        const old = this.rows;
        const merged = new Map();
        const newest = page.items.length ? page.items[0].id : -Infinity;
        for (const item of page.items) {
          const seen = old.get(item.id);
          const latency = this.latency.get(item.id) ?? item.latency_ms ?? null;
          const row = { ...item, latency_ms: latency, touched: started };
          if (seen && seen.touched > started) {
            // the stream spoke after this page was read: it knows better
            Object.assign(row, {
              state: seen.state,
              attempts: Math.max(seen.attempts, item.attempts),
              last_status: seen.last_status,
              last_error: seen.last_error ?? item.last_error,
              next_at: seen.next_at ?? item.next_at,
              touched: seen.touched,
            });
          }
          merged.set(item.id, row);
        }
        for (const [key, row] of old) {
          if (merged.has(key) || !this.matches(row)) continue;
          if (key > newest || row.touched > started) merged.set(key, row);
        }
        this.rows = merged;
        this.total = page.total;
        this.incomplete = false;
        this.dirty = true;
      })
      .finally(() => {
        this.fetching = null;
        if (this.again) {
          this.again = false;
          this.reconcile().catch(() => {});
        }
      });
    return this.fetching;
  }

  setFilters(filters) {
    this.filters = { ...this.filters, ...filters };
    this.generation += 1;
    this.rows = new Map([...this.rows].filter(([, row]) => this.matches(row)));
    this.total = null;
    this.dirty = true;
    return this.reconcile();
  }

  select(id) {
    this.selected = id;
    this.dirty = true;
  }

  /** Redraw if something changed (called on every animation frame). */
  draw(now) {
    if (!this.dirty || this.paused || now - this.lastDraw < DRAW_MS) return;
    this.dirty = false;
    this.lastDraw = now;
    const keys = [...this.rows.keys()].sort((a, b) => b - a);
    const html = [];
    for (const key of keys) {
      const row = this.rows.get(key);
      if (!this.matches(row)) continue;
      html.push(rowHtml(row, key === this.selected));
      if (html.length >= SHOWN) break;
    }
    this.tbody.innerHTML = html.length
      ? html.join("")
      : `<tr class="empty"><td colspan="8">${this.emptyText()}</td></tr>`;
    const total = this.total === null ? "" : ` of ${int(Math.max(this.total, html.length))}`;
    this.foot.textContent = html.length
      ? `Showing the latest ${int(html.length)}${total}. Click a row for its payload and attempts.`
      : "";
  }

  emptyText() {
    const { state, event_type } = this.filters;
    if (state || event_type) return "No delivery matches these filters yet.";
    return "No deliveries yet. Start a run, or send an event with POST /events.";
  }
}

/** The state cell: the badge, and for a retrying delivery when its next attempt is due. */
function stateHtml(row) {
  if (row.state !== "retrying" || !row.next_at) return badge(row.state);
  return `${badge(row.state)} <span class="next" title="next attempt">at ${clock(row.next_at)}</span>`;
}

function rowHtml(row, selected) {
  const error = row.last_error ? shortError(row.last_error) : null;
  const status = row.last_status ?? error ?? "–";
  const failed = typeof status === "number" ? status >= 300 : status !== "–";
  const event = row.event_id
    ? `<span title="${esc(row.event_id)}">${esc(shortId(row.event_id))}</span>`
    : `<span class="muted" title="${esc(row.delivery_id)}">#${row.id}</span>`;
  return (
    `<tr data-pk="${row.id}" data-state="${esc(row.state)}"${selected ? ' class="selected"' : ""}>` +
    `<td class="num time">${clock(row.created_at)}</td>` +
    `<td class="type">${esc(row.event_type)}</td>` +
    `<td class="mono id">${event}</td>` +
    `<td class="target">${esc(row.target)}</td>` +
    `<td class="state">${stateHtml(row)}</td>` +
    `<td class="num">${row.attempts || 0}</td>` +
    `<td class="num status${failed ? " bad" : ""}" title="${esc(row.last_error || "")}">${esc(status)}</td>` +
    `<td class="num latency">${ms(row.latency_ms)}</td>` +
    "</tr>"
  );
}

/** An attempt's error, short enough for a table cell (the full text is its title). */
function shortError(text) {
  const value = String(text);
  return value.length > 28 ? `${value.slice(0, 27)}…` : value;
}
