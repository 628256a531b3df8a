// The throughput chart: delivered/s and attempts/s over the last minute, on a canvas.

const WINDOW = 60; // seconds shown
const SERIES = [
  { key: "attempts_per_s", css: "--c-attempts", label: "attempts/s", fill: false },
  { key: "delivered_per_s", css: "--c-delivered", label: "delivered/s", fill: true },
];

/** A round upper bound for the y axis: 1, 2, 5, 10, 20, 50 ... */
function niceMax(value) {
  if (value <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

export class Chart {
  constructor(canvas) {
    this.canvas = canvas;
    this.points = []; // {t (seconds), attempts_per_s, delivered_per_s}
    this.dirty = true;
    new ResizeObserver(() => {
      this.dirty = true;
    }).observe(canvas);
  }

  /** A snapshot's throughput. */
  add(time, throughput) {
    this.points.push({ t: time, ...throughput });
    const oldest = time - WINDOW - 2;
    while (this.points.length && this.points[0].t < oldest) this.points.shift();
    this.dirty = true;
  }

  /**
   * Points read from the outbox (GET /stats/throughput) for the seconds before the
   * first snapshot this page got: a page opened late, or reloaded, has its last minute.
   */
  backfill(points) {
    const first = this.points.length ? this.points[0].t : Infinity;
    const older = points.filter((p) => p.t < first - 0.5);
    this.points = [...older, ...this.points];
    this.dirty = true;
  }

  /** The latest values, for the legend. */
  latest() {
    return this.points[this.points.length - 1] || null;
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const color = (name) => style.getPropertyValue(name).trim() || "#888";
    const left = 34;
    const right = width - 6;
    const top = 8;
    const bottom = height - 18;
    const now = Math.max(this.latest()?.t ?? 0, Date.now() / 1000 - 1);
    let peak = 0;
    for (const p of this.points) peak = Math.max(peak, p.attempts_per_s || 0, p.delivered_per_s || 0);
    const max = niceMax(peak);
    const x = (t) => right - ((now - t) / WINDOW) * (right - left);
    const y = (v) => bottom - (v / max) * (bottom - top);

    ctx.font = `11px ${style.fontFamily}`;
    ctx.fillStyle = color("--muted");
    ctx.strokeStyle = color("--grid");
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of [0, max / 2, max]) {
      const yy = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(right, yy);
      ctx.stroke();
      ctx.fillText(v >= 1000 ? `${v / 1000}k` : String(v), left - 6, yy);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    for (const ago of [45, 30, 15, 0]) {
      ctx.fillText(ago ? `-${ago}s` : "now", Math.min(x(now - ago), right - 12), height - 4);
    }

    const shown = this.points.filter((p) => p.t >= now - WINDOW);
    // what is drawn, for a look from outside (tests, curious readers): points and the peak
    canvas.dataset.points = String(shown.length);
    canvas.dataset.peak = String(peak);
    if (shown.length < 2) return;
    for (const series of SERIES) {
      const line = color(series.css);
      ctx.beginPath();
      shown.forEach((p, i) => {
        const px = x(p.t);
        const py = y(p[series.key] || 0);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      ctx.strokeStyle = line;
      ctx.lineWidth = 2;
      ctx.lineJoin = "round";
      ctx.stroke();
      if (series.fill) {
        ctx.lineTo(x(shown[shown.length - 1].t), bottom);
        ctx.lineTo(x(shown[0].t), bottom);
        ctx.closePath();
        ctx.globalAlpha = 0.12;
        ctx.fillStyle = line;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    }
  }
}
