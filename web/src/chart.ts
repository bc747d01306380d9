// A live time-series chart on uPlot: named series that receive points at
// their own times (a counter per pattern label, an accelerometer axis),
// merged onto one time axis with gaps spanned, trimmed to a time window.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "./dom";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];

export class LiveChart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private names: string[] = [];
  private times: number[] = [];  // seconds (uPlot's unit)
  private columns: (number | null)[][] = [];
  private pending = false;
  private resize: ResizeObserver;

  // `names`: series known up front keep their colours in this order.
  constructor(readonly title: string, private windowS = 600, private stepped = false, names: string[] = []) {
    this.names = [...names];
    this.columns = names.map(() => []);
    this.el = h("div", { class: "chart", "data-chart": title, "data-points": 0 },
      h("div", { class: "chart-empty" }, h("b", {}, title), h("br", {}), "no data in the last ", String(Math.round(windowS / 60)), " min yet"));
    this.resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resize.observe(this.el);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.el.clientWidth - 4), height: 220 };
  }

  private build(): void {
    this.plot?.destroy();
    const series: uPlot.Series[] = [{}];
    this.names.forEach((n, i) => series.push({
      label: n, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true,
      paths: this.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
      points: { show: false },
    }));
    this.plot = new uPlot({ ...this.size(), title: this.title, series, scales: { x: { time: true } },
      legend: { live: true } }, this.data(), this.el);
  }

  private data(): uPlot.AlignedData {
    return [this.times, ...this.columns] as uPlot.AlignedData;
  }

  // Adds one point; times in milliseconds since the epoch.
  add(name: string, timeMs: number, value: number): void {
    let col = this.names.indexOf(name);
    if (col < 0) {
      this.names.push(name);
      this.columns.push(this.times.map(() => null));
      col = this.names.length - 1;
      this.plot?.destroy();
      this.plot = null;
    }
    const t = timeMs / 1000;
    // Binary search: points mostly arrive in order, late ones slot in.
    let lo = 0, hi = this.times.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.times[mid] < t) lo = mid + 1; else hi = mid; }
    if (this.times[lo] !== t) {
      this.times.splice(lo, 0, t);
      for (const c of this.columns) c.splice(lo, 0, null);
    }
    this.columns[col][lo] = value;
    this.schedule();
  }

  get pointCount(): number { return this.times.length; }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const cut = Date.now() / 1000 - this.windowS;
      let drop = 0;
      while (drop < this.times.length - 1 && this.times[drop] < cut) drop++;
      if (drop > 0) { this.times.splice(0, drop); for (const c of this.columns) c.splice(0, drop); }
      if (!this.plot) { this.el.querySelector(".chart-empty")?.remove(); this.build(); } else this.plot.setData(this.data());
      this.el.dataset.points = String(this.times.length);
    });
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
  }
}
