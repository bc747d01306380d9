// Fleet overview: every device the server knows, online or not, when it was
// last heard from, its model version and its pattern counters, kept live
// from the event stream; the fleet's event log under it.
import { api, type DeviceSummary, type Value } from "./api";
import { ago, clear, h } from "./dom";
import { modelVersion, patternCounters } from "./detectors";
import { EventLog } from "./event_log";
import { subscribe } from "./stream";

export function overviewPage(root: HTMLElement): () => void {
  const tbody = h("tbody");
  const count = h("span", { class: "muted" });
  const log = new EventLog(true);
  root.append(
    h("section", { class: "panel" },
      h("header", {}, h("h2", {}, "Fleet"), count),
      h("table", { class: "fleet" },
        h("thead", {}, h("tr", {}, h("th", {}, "device"), h("th", {}, "status"), h("th", {}, "last seen"),
          h("th", {}, "model"), h("th", {}, "patterns (detections)"))),
        tbody)),
    log.el);

  let devices: DeviceSummary[] = [];
  const values = new Map<string, Value[]>();
  const lastHeard = new Map<string, number>();

  function render(): void {
    clear(tbody);
    const online = devices.filter((d) => d.registered).length;
    count.textContent = `${online} online · ${devices.length - online} offline`;
    if (devices.length === 0) tbody.append(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No device has registered yet.")));
    for (const d of devices) {
      const v = values.get(d.endpoint) ?? [];
      const seen = Math.max(d.last_seen_ms, lastHeard.get(d.endpoint) ?? 0);
      tbody.append(h("tr", { "data-endpoint": d.endpoint, "data-status": d.registered ? "online" : "offline" },
        h("td", {}, h("a", { href: `#/device/${encodeURIComponent(d.endpoint)}` }, d.endpoint)),
        h("td", {}, h("span", { class: `badge ${d.registered ? "online" : "offline"}` }, d.registered ? "online" : "offline")),
        h("td", { class: "last-seen", "data-ms": seen }, ago(seen)),
        h("td", {}, modelVersion(d.model_version, v) || h("span", { class: "muted" }, "—")),
        h("td", { class: "patterns" }, ...patternCounters(v).map((c) =>
          h("span", { class: `chip${c.active ? " active" : ""}`, "data-label": c.label, "data-count": c.count },
            c.label, " ", h("b", {}, c.count))))));
    }
  }

  async function loadValues(ep: string): Promise<void> {
    try { values.set(ep, (await api.device(ep)).values); } catch { /* gone meanwhile */ }
  }
  async function load(): Promise<void> {
    devices = await api.devices();
    await Promise.all(devices.map((d) => loadValues(d.endpoint)));
    render();
  }

  // Notifications come often: each device's values are refetched at most
  // once a second.
  const dirty = new Set<string>();
  let reloadList = false;
  const timer = window.setInterval(async () => {
    const eps = [...dirty];
    dirty.clear();
    if (reloadList) { reloadList = false; await load(); return; }
    if (eps.length) { await Promise.all(eps.map(loadValues)); }
    render();  // also ages "last seen"
  }, 1000);

  const unsubscribe = subscribe((e) => {
    log.add(e);
    if (!e.endpoint) return;
    lastHeard.set(e.endpoint, e.time_ms);
    if (e.kind === "notification" || e.kind === "send") dirty.add(e.endpoint);
    else if (e.kind !== "request") reloadList = true;
  });

  load().catch((err) => tbody.replaceChildren(h("tr", {}, h("td", { colspan: 5, class: "error" }, String(err)))));
  api.events({ limit: 1000, from: Date.now() - 600_000 }).then((evs) => evs.forEach((e) => log.add(e))).catch(() => {});
  return () => { unsubscribe(); clearInterval(timer); };
}
