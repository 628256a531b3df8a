// Small helpers: escaping, numbers, times, and the delivery states' order.

/** Delivery states, in the order the page shows them. */
export const STATES = ["pending", "delivering", "delivered", "retrying", "dead", "held", "discarded"];
/** Attempt outcomes, in the order the page shows them. */
export const OUTCOMES = ["success", "server_error", "client_error", "timeout", "connection", "redirect"];

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for innerHTML. */
export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const whole = new Intl.NumberFormat("en-US");
const one = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** 12,345 */
export const int = (n) => whole.format(Math.round(n || 0));
/** 12.3 (one decimal at most) */
export const dec = (n) => one.format(n || 0);

/** A latency in ms: "4.2 ms", "1.3 s"; "–" when unknown. */
export function ms(value) {
  if (value === null || value === undefined) return "–";
  return value >= 1000 ? `${one.format(value / 1000)} s` : `${one.format(value)} ms`;
}

const pad = (n) => String(n).padStart(2, "0");

/** Unix seconds as local HH:MM:SS. */
export function clock(seconds) {
  if (!seconds) return "–";
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Unix seconds as a local date and time with milliseconds. */
export function stamp(seconds) {
  if (!seconds) return "–";
  const d = new Date(seconds * 1000);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${clock(seconds)}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** 3725 -> "1:02:05", 65 -> "1:05". */
export function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A long id shortened for a table cell: "6239c378…a099". */
export function shortId(id) {
  if (!id) return "–";
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** A state badge. */
export function badge(state) {
  return `<span class="badge s-${esc(state)}">${esc(state)}</span>`;
}

/** The element with this id. */
export const byId = (id) => document.getElementById(id);
