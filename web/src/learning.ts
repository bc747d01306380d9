// The Learning panel of a device page: /33651 ML Inference & Learning (drift
// score and mean confidence over time once observed, the learning mode, the
// capture and drift thresholds, Teach Label, Update Count, Buffered Samples,
// Adapt now / Reset to baseline / Upload samples), the /33652 Training Samples the device
// holds, labelled by a person (written to /33652/x/4), and the samples the
// server stored for the device (api/devices/<ep>/samples), labelled there.
import { api, ApiError, type LwEvent, type OpResult, type TrainingSample, type Value } from "./api";
import { LiveChart } from "./chart";
import { clear, clock, h, showValue } from "./dom";

const ML = "/33651/0";
const RES = { confidence: `${ML}/6`, drift: `${ML}/7`, mode: `${ML}/8`, capture: `${ML}/12`, driftThreshold: `${ML}/13`,
  teach: `${ML}/14`, adapt: `${ML}/15`, reset: `${ML}/16`, upload: `${ML}/17`, updates: `${ML}/20`, buffered: `${ML}/21` };
// What the Observe button observes: the charted values and the two counters.
const OBSERVED = [RES.drift, RES.confidence, RES.updates, RES.buffered];
const HISTORY_MS = 10 * 60 * 1000;
const NONE = "";  // the "—" choice: clears a label

function codeOk(r: OpResult): boolean {
  return !!r.code && r.code.startsWith("2.");
}

function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.status}: ${err.message}` : String(err);
}

// Base64 (how the API carries Opaque) to its length in bytes.
function opaqueBytes(v: unknown): number {
  if (typeof v !== "string") return 0;
  const pad = v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((v.length * 3) / 4) - pad);
}

interface DeviceSample { instance: number; values: Map<number, unknown> }

export interface LearningPanel {
  readonly el: HTMLElement;
  onEvent(e: LwEvent): void;  // the page's stream events of this device
  destroy(): void;
}

export function learningPanel(ep: string): LearningPanel {
  const driftChart = new LiveChart("Drift score", 600, false, ["drift"]);
  const confChart = new LiveChart("Mean confidence", 600, false, ["confidence"]);
  const result = h("pre", { class: "op-result", "data-testid": "learning-result" });
  const fact = (testid: string) => h("span", { class: "mono", "data-testid": testid }, "…");
  const driftNow = fact("learning-drift-score"), confNow = fact("learning-confidence");
  const updates = fact("learning-update-count"), buffered = fact("learning-buffered");
  const modeNow = fact("learning-mode-current");
  const modeSel = h("select", { "aria-label": "learning mode", "data-testid": "learning-mode" },
    h("option", { value: "0" }, "0 off"), h("option", { value: "1" }, "1 re-normalisation"),
    h("option", { value: "2" }, "2 fine-tuning"));
  modeSel.addEventListener("change", () => { void writeResource("learning mode", RES.mode, Number(modeSel.value)); });
  const capture = h("input", { type: "number", class: "n", step: "any", min: 0, max: 1, "aria-label": "capture threshold",
    "data-testid": "learning-capture" });
  const driftThr = h("input", { type: "number", class: "n", step: "any", min: 0, "aria-label": "drift threshold",
    "data-testid": "learning-drift-threshold" });
  // Teach Label (/33651/0/14): a pattern the model lacks becomes a new class
  // learned from the next windows (learning mode 2; the device says 4.00 otherwise).
  const teach = h("input", { type: "text", class: "label-input", placeholder: "new or known label", "aria-label": "teach label",
    "data-testid": "learning-teach" });
  const teachNow = () => { void writeResource("teach label", RES.teach, teach.value.trim()); };
  teach.addEventListener("keydown", (e) => { if (e.key === "Enter") teachNow(); });
  const saveOn = (input: HTMLInputElement, what: string, path: string) => {
    const save = () => { void writeResource(what, path, Number(input.value)); };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") save(); });
    return h("button", { "data-testid": `${input.dataset.testid}-save`, onclick: save }, "Save");
  };
  const button = (testid: string, label: string, what: string, path: string) =>
    h("button", { "data-testid": testid, onclick: () => { void execute(what, path); } }, label);

  const deviceBody = h("tbody");
  const deviceStatus = h("p", { class: "small muted", "data-testid": "buffered-status" });
  const storedBody = h("tbody");
  const storedStatus = h("p", { class: "small muted", "data-testid": "stored-status" });

  const el = h("section", { class: "panel learning", "data-testid": "learning" },
    h("header", {}, h("h2", {}, "Learning"),
      h("span", { class: "small" }, "drift ", driftNow, " · mean confidence ", confNow, " · updates ", updates,
        " · buffered samples ", buffered)),
    h("div", { class: "chart-grid" }, driftChart.el, confChart.el),
    h("p", { class: "small muted hint" }, "Drift score (/33651/0/7) and mean confidence (/33651/0/6) arrive once observed: ",
      h("button", { "data-testid": "learning-observe", onclick: () => { void observe(); } }, "Observe drift and confidence")),
    h("div", { class: "learning-controls" },
      h("label", {}, "learning mode ", modeSel, " (now ", modeNow, ")"), " ",
      h("label", {}, "capture threshold ", capture), saveOn(capture, "capture threshold", RES.capture), " ",
      h("label", {}, "drift threshold ", driftThr), saveOn(driftThr, "drift threshold", RES.driftThreshold), " ",
      h("label", {}, "teach ", teach), h("button", { "data-testid": "learning-teach-save", onclick: teachNow }, "Teach")),
    h("div", { class: "learning-actions" },
      button("learning-adapt", "Adapt now", "adapt now", RES.adapt),
      button("learning-reset", "Reset to baseline", "reset to baseline", RES.reset),
      button("learning-upload", "Upload samples", "upload samples", RES.upload),
      h("button", { "data-testid": "learning-read", onclick: () => { void readAll(); } }, "Read")),
    result,
    h("h3", {}, "Samples on the device (/33652) ",
      h("button", { class: "small", "data-testid": "buffered-refresh", onclick: () => { void readSamples(); } }, "Read")),
    deviceStatus,
    h("table", { class: "samples", "data-testid": "buffered-samples" },
      h("thead", {}, h("tr", {}, ...["instance", "taken", "predicted", "confidence", "drift", "label", "features", ""].map((c) => h("th", {}, c)))),
      deviceBody),
    h("h3", {}, "Samples the server stored"),
    storedStatus,
    h("table", { class: "samples", "data-testid": "stored-samples" },
      h("thead", {}, h("tr", {}, ...["id", "instance", "taken", "received", "predicted", "confidence", "drift", "label", "by", ""].map((c) => h("th", {}, c)))),
      storedBody));

  let labels: string[] = [];
  const lastSample = new Map<string, number>();  // path -> newest time_ms charted
  let lastBuffered: unknown = undefined;

  function say(what: string, r: OpResult | Error): void {
    const bad = r instanceof Error || !codeOk(r);
    result.textContent = `${clock(Date.now())} ${what}: ` +
      (r instanceof Error ? `error ${errorText(r)}` : `${r.code ?? ""}${r.error ? ` (${r.error})` : ""}`);
    result.dataset.code = r instanceof Error ? "error" : r.code ?? "";
    result.classList.toggle("error", bad);
  }

  function setValue(v: Value): void {
    switch (v.path) {
      case RES.drift: driftNow.textContent = showValue(v.value); break;
      case RES.confidence: confNow.textContent = showValue(v.value); break;
      case RES.updates: updates.textContent = showValue(v.value); updates.dataset.value = String(v.value); break;
      case RES.buffered:
        buffered.textContent = showValue(v.value); buffered.dataset.value = String(v.value);
        if (lastBuffered !== undefined && lastBuffered !== v.value) scheduleSamples();
        lastBuffered = v.value;
        break;
      case RES.mode:
        modeNow.textContent = showValue(v.value); modeNow.dataset.value = String(v.value);
        if (document.activeElement !== modeSel && (v.value === 0 || v.value === 1 || v.value === 2)) modeSel.value = String(v.value);
        break;
      case RES.capture: if (document.activeElement !== capture) capture.value = String(v.value); break;
      case RES.driftThreshold: if (document.activeElement !== driftThr) driftThr.value = String(v.value); break;
    }
  }

  // ---- /33651 --------------------------------------------------------------------
  async function readAll(): Promise<void> {
    try {
      const r = await api.quietOp(ep, "read", { path: ML });
      for (const v of r.values ?? []) setValue(v);
    } catch { /* the buttons say why */ }
  }

  async function writeResource(what: string, path: string, value: number | string): Promise<void> {
    try {
      const r = await api.op(ep, "write", { path, value });
      say(`${what} ${value}`, r);
    } catch (err) {
      say(`${what} ${value}`, err as Error);
    }
    await readAll();  // what the device holds now, refused or not
  }

  async function execute(what: string, path: string): Promise<void> {
    try {
      const r = await api.op(ep, "execute", { path });
      say(what, r);
    } catch (err) {
      say(what, err as Error);
    }
    await readAll();
    if (path === RES.upload) { await readSamples(); await loadStored(); }
  }

  async function observe(): Promise<void> {
    try {
      for (const o of await api.observations(ep)) {
        if (o.paths.length === 1 && OBSERVED.includes(o.paths[0])) await api.cancelObservation(o.id).catch(() => null);
      }
      for (const path of OBSERVED) {
        const r = await api.op(ep, "observe", { path });
        say(`observe ${path}`, r);
        if (!codeOk(r)) return;
        for (const v of r.values ?? []) setValue(v);
      }
    } catch (err) {
      say("observe", err as Error);
    }
    await pullSeries();
  }

  async function pullSeries(): Promise<void> {
    await Promise.all(OBSERVED.map(async (path) => {
      const from = (lastSample.get(path) ?? Date.now() - HISTORY_MS) + 1;
      try {
        const { samples } = await api.series(ep, path, from);
        for (const s of samples) {
          if (typeof s.value === "number") {
            if (path === RES.drift) driftChart.add("drift", s.time_ms, s.value);
            else if (path === RES.confidence) confChart.add("confidence", s.time_ms, s.value);
          }
          lastSample.set(path, Math.max(lastSample.get(path) ?? 0, s.time_ms));
        }
        const newest = samples.at(-1);
        if (newest) setValue({ path, type: newest.type, value: newest.value });
      } catch { /* the next notification tries again */ }
    }));
  }

  // ---- labels -----------------------------------------------------------------
  async function readLabels(): Promise<void> {
    try {
      const r = await api.quietOp(ep, "read", { path: "/33650" });
      const found = (r.values ?? []).filter((v) => /^\/33650\/\d+\/2002$/.test(v.path) && typeof v.value === "string")
        .map((v) => v.value as string);
      if (found.length) labels = [...new Set(found)].sort();
    } catch { /* no labels: the selects offer "—" only */ }
  }

  function labelSelect(current: string, testid: string): HTMLSelectElement {
    const sel = h("select", { "aria-label": "label", "data-testid": testid },
      h("option", { value: NONE }, "—"), ...labels.map((l) => h("option", { value: l }, l)));
    if (current && !labels.includes(current)) sel.append(h("option", { value: current }, current));
    sel.value = current;
    return sel;
  }

  // ---- the device's samples (/33652) --------------------------------------------
  // Rows are kept per instance (with what a person chose in them); only
  // the samples that came or went change the table.
  const deviceRows = new Map<number, { row: HTMLTableRowElement; cells: HTMLElement[]; label: string }>();

  function deviceRow(s: DeviceSample): HTMLTableRowElement {
    const label = String(s.values.get(4) ?? "");
    const sel = labelSelect(label, "sample-label");
    const status = h("span", { class: "small", "data-testid": "sample-label-result" });
    const save = async () => {
      const path = `/33652/${s.instance}/4`;
      try {
        const r = await api.op(ep, "write", { path, value: sel.value });
        status.textContent = r.code ?? "";
        status.className = `small${codeOk(r) ? "" : " error"}`;
        say(`label ${path} "${sel.value}"`, r);
        if (codeOk(r)) { row.dataset.label = sel.value; cells[5].textContent = sel.value || "—"; }
      } catch (err) {
        status.textContent = errorText(err);
        status.className = "small error";
        say(`label ${path}`, err as Error);
      }
    };
    const cells = [h("td", { class: "mono" }, s.instance), h("td"), h("td"), h("td"), h("td"), h("td"), h("td"),
      h("td", { class: "ops" }, sel, h("button", { "data-testid": "sample-label-save", onclick: () => { void save(); } }, "Save"), " ", status)];
    const row = h("tr", { "data-instance": s.instance }, ...cells);
    deviceRows.set(s.instance, { row, cells, label });
    return row;
  }

  function updateDeviceRow(s: DeviceSample): void {
    const r = deviceRows.get(s.instance)!;
    const v = s.values;
    const t = Number(v.get(0) ?? 0);
    const label = String(v.get(4) ?? "");
    r.row.dataset.label = label;
    r.row.dataset.predicted = String(v.get(1) ?? "");
    r.cells[1].textContent = t ? new Date(t * 1000).toLocaleTimeString([], { hour12: false }) : "—";
    r.cells[2].textContent = String(v.get(1) ?? "");
    r.cells[3].textContent = showValue(v.get(2));
    r.cells[4].textContent = showValue(v.get(3));
    r.cells[5].textContent = label || "—";
    r.cells[6].textContent = `${opaqueBytes(v.get(5))} B`;
  }

  let samplesBusy = false, samplesAgain = false, samplesTimer = 0;
  function scheduleSamples(): void {
    if (samplesTimer) return;
    samplesTimer = window.setTimeout(() => { samplesTimer = 0; void readSamples(); }, 1000);
  }

  async function readSamples(): Promise<void> {
    if (samplesBusy) { samplesAgain = true; return; }
    samplesBusy = true;
    try {
      let r: OpResult;
      try {
        r = await api.quietOp(ep, "read", { path: "/33652" });
      } catch (err) {
        deviceStatus.textContent = `Reading /33652 failed: ${errorText(err)}`;
        deviceStatus.className = "small error";
        return;
      }
      const samples = new Map<number, DeviceSample>();
      for (const v of r.values ?? []) {
        const m = v.path.match(/^\/33652\/(\d+)\/(\d+)$/);
        if (!m) continue;
        const i = Number(m[1]);
        if (!samples.has(i)) samples.set(i, { instance: i, values: new Map() });
        samples.get(i)!.values.set(Number(m[2]), v.value);
      }
      // A device without samples may answer 4.04 (no instance): an empty table.
      deviceStatus.className = "small muted";
      deviceStatus.textContent = codeOk(r) || r.code === "4.04"
        ? `${samples.size} sample(s) held · read ${clock(Date.now())}`
        : `Reading /33652: ${r.code ?? ""}${r.error ? ` (${r.error})` : ""}`;
      for (const [i, row] of deviceRows) if (!samples.has(i)) { row.row.remove(); deviceRows.delete(i); }
      const order = [...samples.keys()].sort((a, b) => b - a);  // newest first
      const emptyRow = deviceBody.querySelector("tr.empty");
      if (order.length === 0) {
        if (!emptyRow) deviceBody.append(h("tr", { class: "empty" }, h("td", { colspan: 8, class: "muted" }, "No buffered sample.")));
      } else emptyRow?.remove();
      let prev: HTMLTableRowElement | null = null;
      for (const i of order) {
        const s = samples.get(i)!;
        const row = deviceRows.get(i)?.row ?? deviceRow(s);
        updateDeviceRow(s);
        if (prev ? prev.nextSibling !== row : deviceBody.firstChild !== row) {
          if (prev) prev.after(row); else deviceBody.prepend(row);
        }
        prev = row;
      }
    } finally {
      samplesBusy = false;
      if (samplesAgain) { samplesAgain = false; void readSamples(); }
    }
  }

  // ---- the server's samples ---------------------------------------------------------
  const chosen = new Map<number, string>();  // sample id -> label chosen, not saved
  async function loadStored(): Promise<void> {
    let samples: TrainingSample[];
    try {
      samples = await api.deviceSamples(ep);
    } catch (err) {
      storedStatus.textContent = `Loading the stored samples failed: ${errorText(err)}`;
      storedStatus.className = "small error";
      return;
    }
    storedStatus.className = "small muted";
    storedStatus.textContent = `${samples.length} sample(s) stored`;
    // What a person chose and has not saved yet survives the refresh.
    for (const sel of storedBody.querySelectorAll<HTMLSelectElement>("select[data-sample-id]")) {
      if (sel.value !== sel.dataset.saved) chosen.set(Number(sel.dataset.sampleId), sel.value); else chosen.delete(Number(sel.dataset.sampleId));
    }
    clear(storedBody);
    if (samples.length === 0) storedBody.append(h("tr", {}, h("td", { colspan: 10, class: "muted" }, "None uploaded yet.")));
    for (const s of samples) {
      const sel = labelSelect(s.label, "stored-label");
      sel.dataset.sampleId = String(s.id);
      sel.dataset.saved = s.label;
      const pick = chosen.get(s.id);
      if (pick !== undefined && [...sel.options].some((o) => o.value === pick)) sel.value = pick;
      const status = h("span", { class: "small", "data-testid": "stored-label-result" });
      const save = async () => {
        try {
          const out = await api.labelSample(s.id, sel.value);
          status.textContent = `saved (${out.labelled_by || "cleared"})`;
          status.className = "small";
          sel.dataset.saved = sel.value;
          chosen.delete(s.id);
          await loadStored();
        } catch (err) {
          status.textContent = errorText(err);
          status.className = "small error";
        }
      };
      storedBody.append(h("tr", { "data-sample-id": s.id, "data-instance": s.instance, "data-label": s.label, "data-labelled-by": s.labelled_by },
        h("td", { class: "mono" }, s.id), h("td", { class: "mono" }, s.instance),
        h("td", {}, s.taken_ms ? clock(s.taken_ms) : "—"), h("td", {}, clock(s.received_ms)),
        h("td", {}, s.predicted), h("td", {}, showValue(s.confidence)), h("td", {}, showValue(s.drift)),
        h("td", { class: "label" }, s.label || "—"), h("td", { class: "by" }, s.labelled_by || "—"),
        h("td", { class: "ops" }, sel, h("button", { "data-testid": "stored-label-save", onclick: () => { void save(); } }, "Save"), " ", status)));
    }
  }

  // ---- events -------------------------------------------------------------------------
  let dirty = false, busy = false;
  const timer = window.setInterval(async () => {
    if (busy || !dirty) return;
    busy = true;
    dirty = false;
    try { await pullSeries(); } finally { busy = false; }
  }, 1000);

  function onEvent(e: LwEvent): void {
    if (e.endpoint !== ep) return;
    if (e.kind === "notification") dirty = true;
    else if (e.kind === "send") {
      const d = (e.detail ?? {}) as Record<string, unknown>;
      if (d.samples !== undefined || d.new_samples !== undefined) { void loadStored(); scheduleSamples(); }
    } else if (e.kind === "sample_labelled") void loadStored();
  }

  (async () => {
    await readLabels();
    await Promise.all([readAll(), readSamples(), loadStored(), pullSeries()]);
  })();

  return {
    el,
    onEvent,
    destroy: () => { clearInterval(timer); clearTimeout(samplesTimer); driftChart.destroy(); confChart.destroy(); },
  };
}
