// The event log: registrations, updates, requests, notifications as they
// stream in, newest first, capped. Each row carries its kind, time and
// observation as data attributes (the browser tests read them).
import type { LwEvent } from "./api";
import { clock, h } from "./dom";

const MAX_ROWS = 400;

function summary(e: LwEvent): string {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  switch (e.kind) {
    case "notification": return `observation ${d.observation} · ${d.values} value(s)`;
    case "request": {
      const paths = Array.isArray(d.paths) ? d.paths.join(", ") : "";
      return `${d.operation ?? ""} ${paths} → ${d.outcome ?? ""}${d.observation ? ` (observation ${d.observation})` : ""}`;
    }
    case "registered": case "updated":
      return [d.lifetime !== undefined ? `lifetime ${d.lifetime} s` : "", d.binding ? `binding ${d.binding}` : "",
        d.version ? `LwM2M ${d.version}` : "", d.peer ? `from ${d.peer}` : "", d.secure ? "DTLS" : "",
        d.object_links ? String(d.object_links) : ""].filter(Boolean).join(" · ");
    case "rollout":
      return [`rollout ${d.rollout}`, String(d.step ?? ""), d.device_state ? `device ${d.device_state}` : "",
        String(d.reason ?? d.halt_reason ?? "")].filter(Boolean).join(" · ");
    case "model_added": return `model ${d.id}: ${d.name ?? ""} ${d.version ?? ""}${d.signed ? " (signed)" : ""}`;
    case "model_deleted": return `model ${d.id}`;
    default: return typeof e.detail === "string" ? e.detail : JSON.stringify(e.detail);
  }
}

export class EventLog {
  readonly el: HTMLElement;
  private body: HTMLElement;
  private showNotifications = true;
  private seen = new Set<number>();

  constructor(private showEndpoint: boolean) {
    this.body = h("tbody");
    const toggle = h("input", { type: "checkbox", checked: true, onchange: (ev: Event) => {
      this.showNotifications = (ev.target as HTMLInputElement).checked;
      this.el.classList.toggle("hide-notifications", !this.showNotifications);
    } });
    this.el = h("section", { class: "panel event-log" },
      h("header", {}, h("h2", {}, "Events"), h("label", { class: "small" }, toggle, " notifications")),
      h("div", { class: "scroll" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "time"), this.showEndpoint ? h("th", {}, "device") : null,
          h("th", {}, "event"), h("th", {}, "detail"))),
        this.body)));
  }

  add(e: LwEvent): void {
    if (e.id > 0) {  // stored events may come twice (history, then a stream replay)
      if (this.seen.has(e.id)) return;
      this.seen.add(e.id);
    }
    const d = (e.detail ?? {}) as Record<string, unknown>;
    const row = h("tr", { class: `ev ev-${e.kind}`, "data-kind": e.kind, "data-time": e.time_ms,
      "data-observation": d.observation !== undefined ? String(d.observation) : undefined },
      h("td", { class: "mono" }, clock(e.time_ms)),
      this.showEndpoint ? h("td", {}, e.endpoint ? h("a", { href: `#/device/${encodeURIComponent(e.endpoint)}` }, e.endpoint) : "—") : null,
      h("td", {}, h("span", { class: `kind kind-${e.kind}` }, e.kind)),
      h("td", { class: "detail" }, summary(e)));
    // Newest first; history arrives oldest first, so it is placed by time.
    let before: Element | null = this.body.firstElementChild;
    while (before && Number((before as HTMLElement).dataset.time) > e.time_ms) before = before.nextElementSibling;
    this.body.insertBefore(row, before);
    while (this.body.children.length > MAX_ROWS) this.body.lastElementChild!.remove();
  }
}
