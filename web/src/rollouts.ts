// Rollouts (docs/api.md, "Rollouts"): "#/rollouts" lists them, "#/rollout/<id>"
// follows one: its state, progress, counts per device state, bytes sent, why
// it halted, pause / resume / abort, and every device's step. Both refetch
// when a "rollout" event comes on the live stream and every 2 s besides.
import { api, ApiError, type DeviceState, type Rollout, type RolloutDevice } from "./api";
import { clear, h } from "./dom";
import { subscribe } from "./stream";

const STATES: DeviceState[] = ["pending", "transferring", "installed", "active", "failed", "rolled_back"];
const POLL_MS = 2000;

const done = (r: Rollout) => r.counts.active + r.counts.failed + r.counts.rolled_back;
const finished = (r: Rollout) => r.state === "completed" || r.state === "aborted";

function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.status}: ${err.message}` : String(err);
}

function stateBadge(state: string, attrs: Record<string, string> = {}): HTMLElement {
  return h("span", { class: `badge state-${state}`, ...attrs }, state.replace("_", " "));
}

// Finished devices over all of them: green for active, red for failed or rolled back.
function progress(r: Rollout, attrs: Record<string, string> = {}): HTMLElement {
  const total = r.devices_total || 1;
  const bad = r.counts.failed + r.counts.rolled_back;
  return h("div", { class: "progress", "data-done": done(r), "data-total": r.devices_total, ...attrs },
    h("span", { class: "ok", style: `width:${(100 * r.counts.active) / total}%` }),
    h("span", { class: "bad", style: `width:${(100 * bad) / total}%` }),
    h("b", {}, `${done(r)} / ${r.devices_total} done · ${Math.round((100 * done(r)) / total)}%`));
}

function model(r: Rollout): string {
  return `${r.model_name} ${r.model_version}`;
}

// Refetches through `fetch` on the stream's events for `wanted` and every
// 2 s, one request at a time (events in a burst make one more at most).
function live(fetch: () => Promise<void>, wanted: (rollout: number) => boolean): () => void {
  let busy = false, again = false;
  const run = async (): Promise<void> => {
    if (busy) { again = true; return; }
    busy = true;
    try { await fetch(); } finally {
      busy = false;
      if (again) { again = false; void run(); }
    }
  };
  const unsubscribe = subscribe((e) => {
    const id = (e.detail as { rollout?: unknown } | null)?.rollout;
    if (e.kind === "rollout" && typeof id === "number" && wanted(id)) void run();
  });
  const timer = window.setInterval(() => void run(), POLL_MS);
  void run();
  return () => { unsubscribe(); clearInterval(timer); };
}

export function rolloutsPage(root: HTMLElement): () => void {
  const tbody = h("tbody");
  const count = h("span", { class: "muted" });
  root.append(h("section", { class: "panel" },
    h("header", {}, h("h2", {}, "Rollouts"), count),
    h("table", { class: "rollouts" },
      h("thead", {}, h("tr", {}, ...["rollout", "model", "state", "progress", "devices", "delivery"].map((c) => h("th", {}, c)))),
      tbody)));
  return live(async () => {
    let all: Rollout[];
    try { all = await api.rollouts(); } catch (err) {
      tbody.replaceChildren(h("tr", {}, h("td", { colspan: 6, class: "error" }, errorText(err))));
      return;
    }
    clear(tbody);
    count.textContent = `${all.length} rollout${all.length === 1 ? "" : "s"}`;
    if (all.length === 0) {
      tbody.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No rollout yet: start one from ", h("a", { href: "#/models" }, "Models"), ".")));
    }
    for (const r of all) {
      tbody.append(h("tr", { "data-rollout-id": r.id, "data-state": r.state },
        h("td", {}, h("a", { href: `#/rollout/${r.id}` }, `rollout ${r.id}`)),
        h("td", {}, model(r)),
        h("td", {}, stateBadge(r.state)),
        h("td", { class: "progress-cell" }, progress(r)),
        h("td", {}, `${r.devices_total} (canary ${r.canary_devices})`),
        h("td", {}, r.policy.delivery)));
    }
  }, () => true);
}

function confidence(d: RolloutDevice, minRatio: number): Node | string {
  const f = (x?: number) => (x === undefined ? "—" : x.toFixed(3));
  if (d.confidence === undefined && d.baseline_confidence === undefined) return "—";
  const ratio = d.confidence !== undefined && d.baseline_confidence ? d.confidence / d.baseline_confidence : undefined;
  return h("span", { class: ratio !== undefined && ratio < minRatio ? "error" : "" },
    `${f(d.confidence)} vs ${f(d.baseline_confidence)}`, ratio !== undefined ? ` (${Math.round(ratio * 100)}%)` : "");
}

export function rolloutPage(root: HTMLElement, id: number): () => void {
  const title = h("h1", {}, `Rollout ${id}`);
  const state = h("span", { "data-testid": "rollout-state" });
  const halt = h("div", { class: "halt", hidden: true, role: "alert", "data-testid": "rollout-halt-reason" });
  const bar = h("div", {});
  const counts = h("div", { class: "counts" });
  const facts = h("dl", { class: "facts" });
  const actionError = h("p", { class: "error", "data-testid": "rollout-action-error" });
  const tbody = h("tbody");
  const buttons = {
    pause: h("button", { "data-testid": "rollout-pause", disabled: true }, "pause"),
    resume: h("button", { "data-testid": "rollout-resume", disabled: true }, "resume"),
    abort: h("button", { "data-testid": "rollout-abort", disabled: true }, "abort"),
  };
  root.append(
    h("div", { class: "crumbs" }, h("a", { href: "#/rollouts" }, "Rollouts"), " › ", `rollout ${id}`),
    title,
    h("section", { class: "panel" },
      h("header", {}, h("h2", {}, "State ", state), h("span", {}, buttons.pause, buttons.resume, buttons.abort)),
      halt, actionError, bar, counts, facts),
    h("section", { class: "panel" },
      h("header", {}, h("h2", {}, "Devices")),
      h("table", { class: "rollout-devices" },
        h("thead", {}, h("tr", {}, ...["device", "canary", "state", "reason", "confidence vs baseline"].map((c) => h("th", {}, c)))),
        tbody)));

  function render(r: Rollout): void {
    title.textContent = `Rollout ${r.id}: ${model(r)}`;
    document.title = `Rollout ${r.id} · LwCL`;
    state.replaceChildren(stateBadge(r.state, { "data-state": r.state }));
    state.dataset.state = r.state;
    halt.hidden = !r.halt_reason;
    halt.replaceChildren(h("b", {}, r.state === "halted" ? "Halted: " : "Halt reason: "), r.halt_reason);
    bar.replaceChildren(progress(r, { "data-testid": "rollout-progress" }));
    counts.replaceChildren(...STATES.map((s) =>
      h("span", { class: `chip count-${s}`, "data-testid": `count-${s}`, "data-count": r.counts[s] }, s.replace("_", " "), " ", h("b", {}, r.counts[s]))));
    const p = r.policy;
    const fact = (k: string, v: Node | string, testid?: string) => [h("dt", {}, k), h("dd", { "data-testid": testid }, v)];
    facts.replaceChildren(
      ...fact("model", h("a", { href: "#/models" }, `${model(r)} (model ${r.model})`), "rollout-model"),
      ...fact("devices", `${r.devices_total}, of them ${r.canary_devices} in the canary`),
      ...fact("bytes sent", `${r.bytes_sent} (the package has ${r.package_bytes})`, "rollout-bytes"),
      ...fact("policy", `canary ${p.canary_percent} %, waves of ${p.wave_size}, at most ${p.max_concurrent} at once, ` +
        `probation ${p.probation_s} s, confidence ≥ ${p.min_confidence_ratio} × baseline, ` +
        `failures ≤ ${p.max_failure_ratio}, ${p.delivery}${p.allow_downgrade ? ", downgrade allowed" : ""}`),
      ...(finished(r) || r.state === "halted" ? fact("took", `${r.elapsed_s.toFixed(1)} s`) : []));
    buttons.pause.disabled = r.state !== "canary" && r.state !== "rolling";
    buttons.resume.disabled = r.state !== "paused";
    buttons.abort.disabled = finished(r);
    clear(tbody);
    for (const d of r.devices ?? []) {
      tbody.append(h("tr", { "data-endpoint": d.endpoint, "data-state": d.state, "data-canary": d.canary ? "true" : "false" },
        h("td", {}, h("a", { href: `#/device/${encodeURIComponent(d.endpoint)}` }, d.endpoint)),
        h("td", { class: "canary" }, d.canary ? "canary" : ""),
        h("td", { class: "state" }, stateBadge(d.state)),
        h("td", { class: "reason" }, d.reason),
        h("td", { class: "confidence mono" }, confidence(d, p.min_confidence_ratio))));
    }
  }

  for (const verb of ["pause", "resume", "abort"] as const) {
    buttons[verb].addEventListener("click", async () => {
      if (verb === "abort" && !window.confirm(`Abort rollout ${id}? Devices that have the new model keep it.`)) return;
      actionError.textContent = "";
      try { render(await api.rolloutAction(id, verb)); } catch (err) { actionError.textContent = `${verb}: ${errorText(err)}`; }
    });
  }

  return live(async () => {
    try {
      render(await api.rollout(id));
      actionError.textContent = actionError.textContent?.startsWith("load:") ? "" : actionError.textContent;
    } catch (err) {
      actionError.textContent = err instanceof ApiError && err.status === 404 ? `load: no rollout ${id}` : `load: ${errorText(err)}`;
    }
  }, (r) => r === id);
}
