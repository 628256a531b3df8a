// The server's API as the page uses it: JSON requests and the live stream.
//
// A token in the page's own URL (?access_token=...) is passed on to every
// request and to the EventSource, which cannot send headers.

const TOKEN = new URLSearchParams(location.search).get("access_token");

/** A path with the page's token (when it has one) and the given query. */
export function url(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  if (TOKEN) params.set("access_token", TOKEN);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** An error answer: `status`, and the API's `code`, `message` and `field` when present. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || null;
    this.field = error.field || null;
  }
}

let onUnauthorized = () => {};

/** Call `handler()` when the server refuses the token (401). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** Send a request; resolve with the JSON answer (null for 204), reject with ApiError. */
export async function request(method, path, { query, body } = {}) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url(path, query), init);
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body) => request("POST", path, { body });
export const del = (path) => request("DELETE", path);

/**
 * Follow GET /stream: `handlers[type](data)` for each message, `onStatus(state)`
 * with "connecting", "live" or "offline". The connection is opened again after
 * an error or a close, waiting longer each time (1 s doubling to 15 s);
 * `onStatus("live")` after a reconnection is the cue to re-read the state.
 */
export function follow(types, handlers, onStatus) {
  let source = null;
  let wait = 1000;
  let timer = null;
  let stopped = false;

  function retry() {
    if (source) source.close();
    source = null;
    if (stopped || timer) return;
    onStatus("offline", wait);
    timer = setTimeout(() => {
      timer = null;
      open();
    }, wait);
    wait = Math.min(wait * 2, 15000);
  }

  function open() {
    onStatus("connecting");
    source = new EventSource(url("/stream", { types: types.join(",") }));
    source.addEventListener("hello", (message) => {
      wait = 1000;
      onStatus("live");
      handlers.hello?.(JSON.parse(message.data));
    });
    for (const type of types) {
      const handler = handlers[type];
      if (!handler) continue;
      source.addEventListener(type, (message) => handler(JSON.parse(message.data)));
    }
    if (handlers.dropped) {
      source.addEventListener("dropped", (m) => handlers.dropped(JSON.parse(m.data)));
    }
    source.addEventListener("close", retry);
    source.onerror = retry;
  }

  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (source) source.close();
  };
}
