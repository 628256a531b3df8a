// The live page: read the state with the REST routes, then follow GET /stream.
//
// Stream messages only update plain objects; drawing happens once per
// animation frame at most (and the table at most five times a second), so the
// page keeps up with thousands of changes per second. After a reconnection,
// or when the server says this page fell behind (`dropped`), the state is
// read again.

import { del, follow, get, post, whenUnauthorized } from "./api.js";
import { Chart } from "./chart.js";
import { Deliveries } from "./deliveries.js";
import { byId, int, span } from "./format.js";
import { Counters, Runs, Targets } from "./overview.js";
import { Panel } from "./panel.js";

const TYPES = [
  "snapshot",
  "delivery.state",
  "attempt.finished",
  "run.state",
  "run.progress",
  "run.finished",
  "target.deactivated",
  "target.reactivated",
];
const STATS_EVERY_MS = 15000;
const RECONCILE_EVERY_MS = 2000;

const counters = new Counters(byId("counters"), byId("attempts"), byId("events"), byId("latency"));
const chart = new Chart(byId("chart"));
const table = new Deliveries(byId("delivery-rows"), byId("table-foot"));
const runs = new Runs(byId("runs"));
const targets = new Targets(byId("targets"));
const panel = new Panel(byId("panel"), {
  onClose: () => table.select(null),
  onRedelivered: () => refreshSoon(),
  toast,
});
let started = null; // the server's start, from /health
let lastReconcile = 0;

function toast(text, bad = false) {
  const node = byId("toast");
  node.textContent = text;
  node.className = bad ? "show bad" : "show";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (node.className = ""), 3500);
}

function report(error) {
  if (error && error.status !== 401) toast(error.message || String(error), true);
}

// -- reading the state -------------------------------------------------------------------

async function loadStats() {
  counters.fromStats(await get("/stats"));
  updateBulk();
}

async function loadAll() {
  const [health, stats, targetList, runList] = await Promise.all([
    get("/health"),
    get("/stats"),
    get("/targets"),
    get("/runs", { limit: 20 }),
  ]);
  started = Date.now() / 1000 - health.uptime;
  byId("version").textContent = `v${health.version}`;
  document.body.dataset.readOnly = String(Boolean(health.read_only));
  byId("read-only").hidden = !health.read_only;
  counters.fromStats(stats);
  targets.load(targetList.items);
  runs.load(runList.items);
  updateBulk();
  get("/stats/throughput", { seconds: 60 }).then((history) => chart.backfill(history.items), report);
  await table.reconcile();
  lastReconcile = performance.now();
}

async function loadCatalog() {
  const catalog = await get("/catalog");
  const select = byId("filter-type");
  const names = catalog.items.map((e) => e.event_type).sort();
  for (const name of names) select.add(new Option(name, name));
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    loadStats().catch(report);
    table.reconcile().catch(report);
    get("/runs", { limit: 20 }).then((list) => runs.load(list.items), report);
  }, 400);
}

const fetchingRuns = new Set();
/** Read one run whole (its final counts and events) and show it. */
function fetchRun(id) {
  if (fetchingRuns.has(id)) return;
  fetchingRuns.add(id);
  get(`/runs/${id}`, { expected: false })
    .then((run) => runs.upsert(run), report)
    .finally(() => fetchingRuns.delete(id));
}

// -- following the stream ----------------------------------------------------------------

const handlers = {
  hello(message) {
    counters.fromSnapshot(message.counters);
  },
  snapshot(snap) {
    counters.fromSnapshot(snap);
    chart.add(snap.time, snap.throughput);
    updateBulk();
  },
  "delivery.state"(change) {
    table.onState(change);
    panel.touched(change.delivery);
  },
  "attempt.finished"(change) {
    table.onAttempt(change);
    panel.touched(change.delivery);
  },
  "run.state"(change) {
    const known = runs.update(change);
    if (!known || change.state !== "running") fetchRun(change.run_id); // new, or finished: read it whole
    if (change.state !== "running") refreshSoon();
  },
  "run.progress"(change) {
    // a run that began before this page read the list (or elsewhere): read it whole
    if (!runs.update(change)) fetchRun(change.run_id);
  },
  "run.finished"(change) {
    runs.update(change);
  },
  "target.deactivated"(change) {
    if (!targets.setActive(change.target, false)) get("/targets").then((t) => targets.load(t.items), report);
  },
  "target.reactivated"(change) {
    if (!targets.setActive(change.target, true)) get("/targets").then((t) => targets.load(t.items), report);
    refreshSoon();
  },
  dropped(notice) {
    byId("dropped").hidden = false;
    byId("dropped").textContent = `${int(notice.total)} updates skipped (this page fell behind); re-read.`;
    refreshSoon();
  },
};

function connection(state, wait) {
  const node = byId("conn");
  node.dataset.state = state;
  const label = { connecting: "connecting…", live: "live", offline: "offline" }[state];
  node.querySelector(".label").textContent =
    state === "offline" ? `offline, retrying in ${Math.round(wait / 1000)} s` : label;
  if (state === "live") loadAll().catch(report); // the first time, and after every reconnection
}

// -- drawing -----------------------------------------------------------------------------

function updateBulk() {
  const dead = counters.state("dead");
  const button = byId("redeliver-dead");
  button.disabled = dead === 0;
  button.textContent = dead ? `Redeliver ${int(dead)} dead` : "Redeliver dead";
}

function frame(now) {
  counters.draw();
  chart.draw();
  table.draw(now);
  runs.draw();
  targets.draw();
  if (started !== null) byId("uptime").textContent = `up ${span(Date.now() / 1000 - started)}`;
  if (table.incomplete && now - lastReconcile > RECONCILE_EVERY_MS) {
    lastReconcile = now;
    table.reconcile().catch(report);
  }
  requestAnimationFrame(frame);
}

// -- actions -----------------------------------------------------------------------------

function wire() {
  byId("delivery-rows").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-pk]");
    if (!row) return;
    const id = Number(row.dataset.pk);
    table.select(id);
    panel.show(id).catch(report);
  });
  byId("filter-type").addEventListener("change", (e) => table.setFilters({ event_type: e.target.value }).catch(report));
  byId("filter-state").addEventListener("change", (e) => table.setFilters({ state: e.target.value }).catch(report));
  byId("counters").addEventListener("click", (event) => {
    const card = event.target.closest("[data-counter]");
    if (!card) return;
    const select = byId("filter-state");
    select.value = select.value === card.dataset.counter ? "" : card.dataset.counter;
    select.dispatchEvent(new Event("change"));
  });
  byId("pause").addEventListener("click", (event) => {
    table.paused = !table.paused;
    event.currentTarget.setAttribute("aria-pressed", String(table.paused));
    event.currentTarget.textContent = table.paused ? "Resume" : "Pause";
    table.dirty = true;
  });
  byId("redeliver-dead").addEventListener("click", async (event) => {
    event.currentTarget.disabled = true;
    try {
      const answer = await post("/deliveries/redeliver", { state: "dead" });
      toast(`${int(answer.redelivered)} dead deliveries are being sent again`);
      refreshSoon();
    } catch (error) {
      report(error);
    }
  });
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action=reactivate], [data-action=stop-run]");
    if (!button) return;
    button.disabled = true;
    try {
      if (button.dataset.action === "reactivate") {
        const answer = await post(`/targets/${encodeURIComponent(button.dataset.target)}/reactivate`, {});
        targets.setActive(answer.target.id, true);
        const moved = answer.moved ? `; ${int(answer.moved)} held deliveries are being sent` : "";
        toast(`${answer.target.id} is active again${moved}`);
      } else {
        const run = await del(`/runs/${button.dataset.run}`);
        runs.upsert(run);
        toast(`Run #${run.id} takes no more events; those accepted are still delivered`);
      }
      refreshSoon();
    } catch (error) {
      report(error);
      button.disabled = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") panel.close();
  });
  whenUnauthorized(() => {
    const dialog = byId("token-dialog");
    if (!dialog.open) dialog.showModal();
  });
  byId("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(location.search);
    params.set("access_token", byId("token-input").value.trim());
    location.search = params.toString();
  });
}

wire();
loadCatalog().catch(report);
setInterval(() => {
  if (byId("conn").dataset.state === "live") loadStats().catch(report);
}, STATS_EVERY_MS);
follow(TYPES, handlers, connection);
requestAnimationFrame(frame);
