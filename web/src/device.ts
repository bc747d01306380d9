// One device: who it is, how often it reports (the frequency control), live
// charts of its pattern counters and accelerometer, its learning (the
// Learning panel, learning.ts, when it has /33651), its object tree with
// read / write / execute / observe per resource, and its event log.
import objects, { type ObjectDef, type ResourceDef } from "virtual:lwm2m-objects";
import { api, ApiError, type DeviceDetail, type OpResult, type Value } from "./api";
import { LiveChart } from "./chart";
import { ago, clear, clock, h, showValue } from "./dom";
import { modelVersion, patternCounters } from "./detectors";
import { EventLog } from "./event_log";
import { describe, DETECTOR_PATH, toAttributes, type Frequency, type Unit } from "./frequency";
import { learningPanel, type LearningPanel } from "./learning";
import { objectTree } from "./links";
import { subscribe } from "./stream";

const DEFS = new Map<number, ObjectDef>(objects.map((o) => [o.id, o]));
const ACCEL_AXES: [string, string][] = [["/3313/0/5702", "X"], ["/3313/0/5703", "Y"], ["/3313/0/5704", "Z"]];
const HISTORY_MS = 10 * 60 * 1000;

function codeOk(r: OpResult): boolean {
  return !!r.code && r.code.startsWith("2.");
}

export function devicePage(root: HTMLElement, ep: string): () => void {
  const title = h("h1", {}, ep);
  const facts = h("dl", { class: "facts" });
  const freqPanel = h("section", { class: "panel frequency" });
  const counterChart = new LiveChart("Pattern counters", 600, true);
  const accelChart = new LiveChart("Accelerometer X / Y / Z", 120, false, ["X", "Y", "Z"]);
  const treeEl = h("div", { class: "tree" });
  const opOut = h("pre", { class: "op-result", "data-testid": "op-result" });
  const log = new EventLog(false);
  const chartsPanel = h("section", { class: "panel charts" }, h("header", {}, h("h2", {}, "Live")),
      h("div", { class: "chart-grid" },
        h("div", {}, counterChart.el, h("p", { class: "small muted hint" }, "Counters arrive with the notifications of /33650 (see the frequency above).")),
        h("div", {}, accelChart.el, h("p", { class: "small muted hint" }, "X / Y / Z arrive once /3313/0 is observed: ",
          h("button", { onclick: () => observeAccel() }, "Observe accelerometer every second")))));
  let learning: LearningPanel | null = null;
  let gone = false;  // the page was left before its first load finished
  root.append(
    h("nav", { class: "crumbs" }, h("a", { href: "#/" }, "Fleet"), " / ", ep),
    h("section", { class: "panel" }, title, facts),
    freqPanel,
    chartsPanel,
    h("section", { class: "panel" }, h("header", {}, h("h2", {}, "Objects")), treeEl,
      h("h3", {}, "Last answer"), opOut),
    log.el);

  let detail: DeviceDetail | null = null;
  const valueCells = new Map<string, HTMLElement>();
  const lastSample = new Map<string, number>();  // path -> newest time_ms charted
  const labels = new Map<number, string>();      // /33650 instance -> label
  // Every value seen: the server's latest stored ones and what reads
  // answered (reads are not stored), newest arrival wins.
  const known = new Map<string, Value>();
  const allValues = () => [...known.values()];

  function show(what: string, r: OpResult | Error): void {
    opOut.textContent = `${clock(Date.now())} ${what}\n` +
      (r instanceof Error ? `error: ${r.message}` : JSON.stringify(r, null, 2));
    opOut.classList.toggle("error", r instanceof Error || !codeOk(r));
    if (!(r instanceof Error) && r.values?.length) {
      for (const v of r.values) setValue(v);
      renderFacts();
    }
  }

  // `quiet`: what the page does by itself never prompts for the token.
  async function op(what: string, body: Record<string, unknown>, quiet = false): Promise<OpResult | null> {
    try {
      const r = await (quiet ? api.quietOp : api.op)(ep, what, body);
      show(`${what} ${JSON.stringify(body)}`, r);
      return r;
    } catch (err) {
      show(`${what} ${JSON.stringify(body)}`, err as Error);
      return null;
    }
  }

  function setValue(v: Value): void {
    known.set(v.path, v);
    const cell = valueCells.get(v.path);
    if (cell) { cell.textContent = showValue(v.value); cell.title = v.type; }
    const m = v.path.match(/^\/33650\/(\d+)\/2002$/);
    if (m && typeof v.value === "string") labels.set(Number(m[1]), v.value);
  }

  // ---- facts ---------------------------------------------------------------
  function renderFacts(): void {
    if (!detail) return;
    const r = detail.registration;
    const values = allValues();
    const counters = patternCounters(values);
    clear(facts);
    const fact = (k: string, v: Node | string) => facts.append(h("dt", {}, k), h("dd", {}, v));
    fact("status", h("span", { class: `badge ${detail.registered ? "online" : "offline"}`, "data-status": detail.registered ? "online" : "offline" },
      detail.registered ? "online" : "offline"));
    fact("model", modelVersion(detail.model_version, values) || "—");
    if (r) {
      fact("registered", `${new Date(r.registered_at_ms).toLocaleString()} (updated ${ago(r.updated_at_ms)})`);
      fact("lifetime · binding · LwM2M", `${r.lifetime} s · ${r.binding} · ${r.version}`);
      fact("peer", r.peer);
    }
    fact("patterns", h("span", { class: "patterns" }, ...counters.map((c) =>
      h("span", { class: `chip${c.active ? " active" : ""}`, "data-label": c.label, "data-count": c.count }, c.label, " ", h("b", {}, c.count)))));
  }

  // ---- frequency control ---------------------------------------------------
  const current = h("span", { class: "current", "data-testid": "frequency-current" }, "…");
  const rawAttrs = h("pre", { class: "raw-attrs", "data-testid": "raw-attributes" }, "");
  const obsList = h("div", { class: "small muted", "data-testid": "observations" });
  const nInput = h("input", { type: "number", min: "1", value: "5", class: "n", "aria-label": "every N" });
  const unitSel = h("select", { "aria-label": "unit" },
    h("option", { value: "s" }, "seconds"), h("option", { value: "min" }, "minutes"), h("option", { value: "h" }, "hours"));
  const rDetection = h("input", { type: "radio", name: "freq", value: "detection", checked: true });
  const rEvery = h("input", { type: "radio", name: "freq", value: "every" });
  const applyBtn = h("button", { class: "primary", "data-testid": "frequency-apply", onclick: () => applyFrequency() }, "Apply");
  freqPanel.append(
    h("header", {}, h("h2", {}, "Notification frequency"), h("span", {}, "now: ", current)),
    h("div", { class: "freq-choices" },
      h("label", {}, rDetection, " every detection"),
      h("label", {}, rEvery, " a counter every ", nInput, " ", unitSel),
      applyBtn),
    h("div", { class: "small" }, "Attributes on ", h("code", {}, DETECTOR_PATH), " (Discover):"),
    rawAttrs, obsList);
  nInput.addEventListener("focus", () => { rEvery.checked = true; });
  unitSel.addEventListener("change", () => { rEvery.checked = true; });

  async function refreshAttributes(): Promise<void> {
    let r: OpResult | null = null;
    try {
      r = await api.quietOp(ep, "discover", { path: DETECTOR_PATH });
    } catch (err) {
      current.textContent = "unknown";
      rawAttrs.textContent = err instanceof ApiError && err.status === 401
        ? "Reading the attributes (Discover) needs the API token: use \"set token\" above."
        : `Discover failed: ${(err as Error).message}`;
      return;
    }
    rawAttrs.textContent = (r.links ?? []).map((l) =>
      l.uri + Object.entries(l.attributes).map(([k, v]) => (v === true ? `;${k}` : `;${k}=${v}`)).join("")).join("\n") || "(no links)";
    const top = (r.links ?? []).find((l) => l.uri === DETECTOR_PATH);
    const attrs = top ? top.attributes : {};
    current.textContent = describe(attrs);
    current.dataset.pmin = attrs.pmin === undefined ? "" : String(attrs.pmin);
    current.dataset.pmax = attrs.pmax === undefined ? "" : String(attrs.pmax);
    await refreshObservations();
  }

  async function refreshObservations(): Promise<void> {
    try {
      const obs = await api.observations(ep);
      obsList.textContent = obs.length ? "Observations: " + obs.map((o) => `#${o.id} ${o.paths.join(",")}${o.active ? "" : " (inactive)"}`).join(" · ") : "No observation.";
    } catch { /* shown next time */ }
  }

  async function applyFrequency(): Promise<void> {
    const f: Frequency = rEvery.checked
      ? { kind: "every", n: Math.max(1, Number(nInput.value) || 1), unit: unitSel.value as Unit }
      : { kind: "detection" };
    applyBtn.disabled = true;
    current.textContent = "applying…";
    try {
      const a = await op("attributes", { path: DETECTOR_PATH, ...toAttributes(f) });
      if (!a || !codeOk(a)) { current.textContent = "refused"; return; }
      // One observation of /33650 at a time: the old one goes, a new one
      // starts under the new attributes.
      for (const o of await api.observations(ep)) {
        if (o.paths.length === 1 && o.paths[0] === DETECTOR_PATH) await api.cancelObservation(o.id).catch(() => null);
      }
      await op("observe", { path: DETECTOR_PATH });
      await refreshAttributes();
    } finally {
      applyBtn.disabled = false;
    }
  }

  async function observeAccel(): Promise<void> {
    const a = await op("attributes", { path: "/3313/0", pmin: 1, pmax: 1 });
    if (a && codeOk(a)) {
      for (const o of await api.observations(ep)) {
        if (o.paths.length === 1 && o.paths[0] === "/3313/0") await api.cancelObservation(o.id).catch(() => null);
      }
      await op("observe", { path: "/3313/0" });
      refreshObservations();
    }
  }

  // ---- object tree -----------------------------------------------------------
  function resourceRow(oid: number, iid: number, r: ResourceDef): HTMLElement {
    const path = `/${oid}/${iid}/${r.id}`;
    const val = h("td", { class: "value mono", "data-path": path });
    valueCells.set(path, val);
    const buttons = h("td", { class: "ops" });
    const ops = r.ops.toUpperCase();
    if (ops.includes("R")) {
      buttons.append(h("button", { onclick: () => op("read", { path }) }, "Read"),
        h("button", { onclick: () => op("observe", { path }).then(refreshObservations) }, "Observe"));
    }
    if (ops.includes("W")) {
      const input = h("input", { class: "write", placeholder: r.type.toLowerCase(), "aria-label": `value for ${path}` });
      const write = () => {
        let v: unknown = input.value;
        if (["Integer", "Unsigned Integer", "Float", "Time"].includes(r.type)) v = Number(input.value);
        else if (r.type === "Boolean") v = /^(1|true|on|yes)$/i.test(input.value);
        op("write", { path, value: v });
      };
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") write(); });
      buttons.append(input, h("button", { onclick: write }, "Write"));
    }
    if (ops.includes("E")) {
      const args = h("input", { class: "write", placeholder: "args", "aria-label": `arguments for ${path}` });
      buttons.append(args, h("button", { onclick: () => op("execute", args.value ? { path, args: args.value } : { path }) }, "Execute"));
    }
    return h("tr", { "data-resource": path },
      h("td", { class: "mono" }, String(r.id)), h("td", {}, r.name, r.units ? h("span", { class: "muted" }, ` (${r.units})`) : null),
      h("td", { class: "mono small" }, r.ops || "—"), val, buttons);
  }

  function renderTree(): void {
    clear(treeEl);
    valueCells.clear();
    const tree = objectTree(detail?.registration?.object_links ?? "");
    if (tree.size === 0) { treeEl.append(h("p", { class: "muted" }, "No registration: the object tree is unknown.")); return; }
    for (const [oid, iids] of tree) {
      const def = DEFS.get(oid);
      const instances = iids.length ? iids : def && !def.multiple ? [0] : [];
      const body = h("div", {});
      for (const iid of instances) {
        const ipath = `/${oid}/${iid}`;
        const rows = (def?.resources ?? []).map((r) => resourceRow(oid, iid, r));
        body.append(h("div", { class: "instance" },
          h("div", { class: "instance-head" }, h("b", { class: "mono" }, ipath),
            h("button", { onclick: () => op("read", { path: ipath }) }, "Read"),
            h("button", { onclick: () => op("observe", { path: ipath }).then(refreshObservations) }, "Observe"),
            h("button", { onclick: () => op("discover", { path: ipath }) }, "Discover")),
          rows.length ? h("table", { class: "resources" },
            h("thead", {}, h("tr", {}, h("th", {}, "id"), h("th", {}, "resource"), h("th", {}, "ops"), h("th", {}, "value"), h("th", {}, ""))),
            h("tbody", {}, ...rows)) : h("p", { class: "muted small" }, "Unknown object: use Read or Discover.")));
      }
      treeEl.append(h("details", { class: "object", "data-object": oid, open: oid === 33650 || oid === 3 },
        h("summary", {}, h("b", { class: "mono" }, `/${oid}`), " ", def?.name ?? "unknown object",
          h("span", { class: "muted" }, ` · ${instances.length} instance(s)`),
          h("button", { class: "small", onclick: (e: Event) => { e.preventDefault(); op("discover", { path: `/${oid}` }); } }, "Discover")),
        body));
    }
    for (const v of allValues()) setValue(v);
  }

  // ---- data -------------------------------------------------------------------
  async function load(): Promise<void> {
    try {
      detail = await api.device(ep);
    } catch (err) {
      title.after(h("p", { class: "error" }, err instanceof ApiError && err.status === 404 ? "No such device." : String(err)));
      return;
    }
    for (const v of detail.values) setValue(v);
    renderFacts();
    renderTree();
  }

  function counterPaths(): string[] {
    const tree = objectTree(detail?.registration?.object_links ?? "");
    const iids = tree.get(33650) ?? patternCounters(allValues()).map((c) => c.instance);
    return iids.map((i) => `/33650/${i}/2001`);
  }

  // New samples since the last ones charted (the first call fetches the
  // last ten minutes).
  async function pullSeries(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const path of counterPaths()) {
      const iid = Number(path.split("/")[2]);
      jobs.push(pull(path, (t, v) => counterChart.add(labels.get(iid) ?? `#${iid}`, t, v)));
    }
    for (const [path, axis] of ACCEL_AXES) jobs.push(pull(path, (t, v) => accelChart.add(axis, t, v)));
    await Promise.all(jobs);
  }
  async function pull(path: string, add: (t: number, v: number) => void): Promise<void> {
    const from = (lastSample.get(path) ?? Date.now() - HISTORY_MS) + 1;
    try {
      const { samples } = await api.series(ep, path, from);
      for (const s of samples) {
        if (typeof s.value === "number") add(s.time_ms, s.value);
        lastSample.set(path, Math.max(lastSample.get(path) ?? 0, s.time_ms));
      }
    } catch { /* the next notification tries again */ }
  }

  let dirty = false, reload = false, busy = false;
  const timer = window.setInterval(async () => {
    if (busy || (!dirty && !reload)) return;
    busy = true;
    const wasReload = reload;
    dirty = reload = false;
    try {
      if (wasReload) { await load(); } else {
        for (const v of (await api.device(ep)).values) setValue(v);
        renderFacts();
      }
      await pullSeries();
    } catch { /* try again on the next event */ } finally { busy = false; }
  }, 500);

  const unsubscribe = subscribe((e) => {
    if (e.endpoint !== ep) return;
    log.add(e);
    learning?.onEvent(e);
    if (e.kind === "notification" || e.kind === "send") dirty = true;
    else if (["registered", "updated", "deregistered", "lost"].includes(e.kind)) reload = true;
  });

  (async () => {
    await load();
    await pullSeries();
    api.events({ endpoint: ep, limit: 1000, from: Date.now() - 600_000 }).then((evs) => evs.forEach((e) => log.add(e))).catch(() => {});
    const d = detail as DeviceDetail | null;  // set by load()
    const tree = objectTree(d?.registration?.object_links ?? "");
    if (d?.registered) {
      // Who the device is and which model it runs: read once, quietly (no
      // token prompt on page load; the buttons ask).
      for (const path of ["/3/0", "/33651/0"]) {
        if (!tree.has(Number(path.split("/")[1]))) continue;
        api.quietOp(ep, "read", { path }).then((r) => {
          for (const v of r.values ?? []) setValue(v);
          renderFacts();
        }).catch(() => {});
      }
    }
    if (!gone && d?.registered && tree.has(33651)) {
      learning = learningPanel(ep);
      chartsPanel.after(learning.el);
    }
    if (d?.registered && tree.has(33650)) await refreshAttributes();
    else current.textContent = "—";
  })();

  return () => { gone = true; unsubscribe(); clearInterval(timer); counterChart.destroy(); accelChart.destroy(); learning?.destroy(); };
}

