// The delivery panel: one delivery's fields, attempt log and payload, and Redeliver.
//
// It re-reads GET /deliveries/{id} when the stream says the delivery changed
// (at most every REFRESH_MS), so a redelivery is seen arriving.

import { get, post, url } from "./api.js";
import { badge, esc, int, ms, stamp } from "./format.js";

const REFRESH_MS = 300;

export class Panel {
  constructor(root, { onClose, onRedelivered, toast }) {
    this.root = root;
    this.body = root.querySelector(".panel-body");
    this.onClose = onClose;
    this.onRedelivered = onRedelivered;
    this.toast = toast;
    this.id = null;
    this.detail = null;
    this.timer = null;
    root.querySelector("[data-action=close]").addEventListener("click", () => this.close());
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action=redeliver], [data-action=copy-curl]");
      if (!button) return;
      if (button.dataset.action === "redeliver") this.redeliver(button);
      else this.copyCurl(button);
    });
  }

  get open() {
    return this.id !== null;
  }

  async show(id) {
    this.id = id;
    this.detail = null;
    this.root.hidden = false;
    this.body.innerHTML = '<p class="muted">Loading…</p>';
    await this.load();
    this.root.querySelector("[data-action=close]").focus({ preventScroll: true });
  }

  close() {
    if (!this.open) return;
    this.id = null;
    this.root.hidden = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.onClose();
  }

  /** The stream mentioned delivery `id`: re-read it soon if it is the one shown. */
  touched(id) {
    if (id !== this.id || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.load();
    }, REFRESH_MS);
  }

  async load() {
    const id = this.id;
    if (id === null) return;
    try {
      const detail = await get(`/deliveries/${id}`);
      if (id !== this.id) return;
      this.detail = detail;
      this.render();
    } catch (error) {
      if (id === this.id) this.body.innerHTML = `<p class="error">${esc(error.message)}</p>`;
    }
  }

  async redeliver(button) {
    button.disabled = true;
    try {
      const answer = await post("/deliveries/redeliver", { ids: [this.id] });
      this.toast(answer.redelivered ? `Delivery #${this.id} is being sent again` : "Nothing to redeliver");
      this.onRedelivered();
      await this.load();
    } catch (error) {
      this.toast(error.message, true);
      button.disabled = false;
    }
  }

  /** Copy the request as a curl command (the exact bytes sent, its headers); also shown. */
  async copyCurl(button) {
    const d = this.detail;
    if (!d || !d.request) return;
    button.disabled = true;
    try {
      const response = await fetch(url(`/deliveries/${d.id}/body`));
      const command = curl(d.request, await response.text());
      const shown = this.body.querySelector("pre.curl");
      shown.textContent = command;
      shown.hidden = false;
      try {
        await navigator.clipboard.writeText(command);
        this.toast("Copied the request as a curl command");
      } catch {
        this.toast("The curl command is below the headers: select and copy it");
      }
    } catch (error) {
      this.toast(error.message, true);
    } finally {
      button.disabled = false;
    }
  }

  render() {
    const d = this.detail;
    const canRedeliver = d.state === "dead" || d.state === "held";
    const attempts = d.attempt_log || [];
    const next = d.next_at && d.state === "retrying" ? `<dt>Next attempt</dt><dd>${stamp(d.next_at)}</dd>` : "";
    const held = d.state === "held" ? '<p class="note">Held: its target is inactive. Reactivate the target, or redeliver it here.</p>' : "";
    this.body.innerHTML = `
      <header class="panel-head">
        <h2 id="panel-title">${esc(d.event_type)}</h2>
        ${badge(d.state)}
      </header>
      <dl class="fields">
        <dt>Delivery</dt><dd>#${d.id}</dd>
        <dt>Event id</dt><dd class="mono">${esc(d.event_id)}</dd>
        <dt>Envelope id</dt><dd class="mono">${esc(d.delivery_id)}</dd>
        <dt>Target</dt><dd>${esc(d.target)}</dd>
        <dt>Run</dt><dd>${d.run_id ? `#${d.run_id}` : "POST /events"}</dd>
        <dt>Created</dt><dd>${stamp(d.created_at)}</dd>
        ${next}
      </dl>
      ${held}
      <div class="actions">
        ${canRedeliver ? '<button type="button" class="primary" data-action="redeliver">Redeliver</button>' : ""}
        <a href="${esc(url(`/deliveries/${d.id}/body`))}" target="_blank" rel="noopener">Exact bytes sent ↗</a>
      </div>
      ${d.request ? requestHtml(d.request) : ""}
      <h3>Attempts <span class="muted">${int(attempts.length)}</span></h3>
      ${attempts.length ? attemptsHtml(attempts) : '<p class="muted">No attempt yet.</p>'}
      <h3>Payload</h3>
      <pre class="json">${highlight(d.payload)}</pre>`;
  }
}

/** The request as sent (method, URL, headers, signature included) and "Copy as curl". */
function requestHtml(request) {
  const head = Object.entries(request.headers || {})
    .map(([name, value]) => `<span class="k">${esc(name)}</span>: ${esc(value)}`)
    .join("\n");
  const when = request.attempt ? ` <span class="muted">attempt ${int(request.attempt)}</span>` : "";
  return `<h3>Request${when}
      <button type="button" class="small" data-action="copy-curl">Copy as curl</button></h3>
    <pre class="code request">${esc(request.method)} ${esc(request.url)}\n${head}</pre>
    <pre class="code curl" hidden></pre>`;
}

/** A shell word in single quotes. */
const quote = (text) => `'${String(text).replace(/'/g, "'\\''")}'`;

/** The request as a curl command that sends the same bytes with the same headers. */
export function curl(request, body) {
  const parts = [`curl -X ${request.method} ${quote(request.url)}`];
  const headers = Object.entries(request.headers || {});
  for (const [name, value] of headers) {
    if (name.toLowerCase() === "content-length" || name.toLowerCase() === "host") continue;
    parts.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  // curl would add a form Content-Type to --data-binary; "Content-Type:" sends none, as the target did
  if (!headers.some(([name]) => name.toLowerCase() === "content-type")) parts.push("-H 'Content-Type:'");
  parts.push(`--data-binary ${quote(body)}`);
  return parts.join(" \\\n  ");
}

function attemptsHtml(attempts) {
  const rows = attempts.map((a) => {
    const ok = a.outcome === "success";
    const detail = a.error || a.response || "";
    return `<tr data-outcome="${esc(a.outcome)}">
      <td class="num">${a.n}</td>
      <td class="num">${esc(stamp(a.at).slice(11))}</td>
      <td><span class="dot o-${esc(a.outcome)}"></span>${esc(a.outcome.replace("_", " "))}</td>
      <td class="num${ok ? "" : " bad"}">${esc(a.status ?? "–")}</td>
      <td class="num">${ms(a.latency_ms)}</td>
      <td class="detail" title="${esc(detail)}">${esc(detail.slice(0, 120))}</td>
    </tr>`;
  });
  return `<table class="attempts"><thead><tr><th class="num">#</th><th class="num">At</th><th>Outcome</th>
    <th class="num">Status</th><th class="num">Latency</th><th>Answer</th></tr></thead>
    <tbody>${rows.join("")}</tbody></table>`;
}

/** Pretty JSON with keys, strings, numbers and literals marked for colour. */
function highlight(value) {
  const text = esc(JSON.stringify(value, null, 2) ?? "null");
  return text.replace(
    /(&quot;(?:\\.|[^&\\]|&(?!quot;))*&quot;)(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (match, string, colon, literal, number) => {
      if (string) return `<span class="${colon ? "k" : "s"}">${string}</span>${colon || ""}`;
      if (literal) return `<span class="l">${literal}</span>`;
      if (number) return `<span class="n">${number}</span>`;
      return match;
    },
  );
}
