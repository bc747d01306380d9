// The model registry (#/models): the packages the server holds (docs/api.md,
// "Models"), uploading a signed .lwpkg (the server checks it as a device
// would and says why it refuses one), deleting one, and per model a form
// that starts a rollout of it and then opens the rollout's page.
import { api, ApiError, type Model, type RolloutRequest } from "./api";
import { clear, h } from "./dom";
import { subscribe } from "./stream";

const COLUMNS = 8;

function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.status}: ${err.message}` : String(err);
}

function size(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

// The rollout form of one model: which devices, the canary share, the
// probation, push or pull; posts api/rollouts and goes to the rollout.
function rolloutForm(m: Model): HTMLTableRowElement {
  const mode = h("select", { "aria-label": "devices", "data-testid": "rollout-devices-mode" },
    h("option", { value: "all" }, "all registered devices"),
    h("option", { value: "list" }, "these devices (comma-separated)"),
    h("option", { value: "group" }, "a group (glob)"));
  const which = h("input", { type: "text", class: "devices", disabled: true, "aria-label": "device list or group",
    placeholder: "dev-1, dev-2   or   plant-a-*", "data-testid": "rollout-devices" });
  mode.addEventListener("change", () => { which.disabled = mode.value === "all"; });
  const canary = h("input", { type: "number", class: "n", min: 0, max: 100, step: "any", value: 10,
    "aria-label": "canary percent", "data-testid": "rollout-canary" });
  const probation = h("input", { type: "number", class: "n", min: 0, step: "any", value: 15,
    "aria-label": "probation seconds", "data-testid": "rollout-probation" });
  const delivery = h("select", { "aria-label": "delivery", "data-testid": "rollout-delivery" },
    h("option", { value: "push" }, "push (the server writes /9/x/2)"),
    h("option", { value: "pull" }, "pull (the device fetches /9/x/3)"));
  const error = h("span", { class: "error", "data-testid": "rollout-error" });
  const start = h("button", { type: "submit", class: "primary", "data-testid": "rollout-start" }, "start rollout");

  function request(): RolloutRequest {
    const req: RolloutRequest = { model: m.id, devices: "all", delivery: delivery.value === "pull" ? "pull" : "push" };
    const text = which.value.trim();
    if (mode.value === "list") {
      req.devices = text.split(",").map((s) => s.trim()).filter(Boolean);
      if (req.devices.length === 0) throw new Error("give the devices' endpoint names, separated by commas");
    } else if (mode.value === "group") {
      if (!text) throw new Error("give a glob on endpoint names, e.g. plant-a-*");
      req.devices = { group: text };
    }
    const pct = canary.value.trim() === "" ? NaN : Number(canary.value);
    if (!Number.isNaN(pct)) {
      if (pct < 0 || pct > 100) throw new Error("the canary share is a percentage, 0 to 100");
      req.canary_percent = pct;
    }
    const prob = probation.value.trim() === "" ? NaN : Number(probation.value);
    if (!Number.isNaN(prob)) {
      if (prob < 0) throw new Error("the probation is seconds, 0 or more");
      req.probation_s = prob;
    }
    return req;
  }

  const form = h("form", { class: "rollout-form", onsubmit: async (ev: Event) => {
    ev.preventDefault();
    error.textContent = "";
    start.disabled = true;
    try {
      const r = await api.startRollout(request());
      location.hash = `#/rollout/${r.id}`;
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      start.disabled = false;
    }
  } },
  h("b", {}, `Roll out ${m.name} ${m.version} to `), mode, which,
  h("label", {}, "canary ", canary, " %"), h("label", {}, "probation ", probation, " s"), delivery, start, error);
  return h("tr", { class: "rollout-form-row", "data-model-id": m.id, hidden: true }, h("td", { colspan: COLUMNS }, form));
}

export function modelsPage(root: HTMLElement): () => void {
  const tbody = h("tbody");
  const count = h("span", { class: "muted" });
  const status = h("p", { class: "hint muted", "data-testid": "models-status" });
  const error = h("pre", { class: "error", hidden: true, "data-testid": "models-error" });
  const file = h("input", { type: "file", accept: ".lwpkg,application/octet-stream", "data-testid": "model-file",
    onchange: () => { void upload(); } });
  root.append(h("section", { class: "panel" },
    h("header", {}, h("h2", {}, "Models"), count),
    h("p", { class: "upload" }, h("label", {}, "Upload a package signed with the fleet key (.lwpkg): ", file)),
    status, error,
    h("table", { class: "models" },
      h("thead", {}, h("tr", {}, ...["id", "name", "version", "signed", "size", "labels", "created", ""].map((c) => h("th", {}, c)))),
      tbody)));

  let models: Model[] = [];
  const forms = new Map<number, HTMLTableRowElement>();  // kept across reloads, with what was typed

  function say(text: string, err?: string): void {
    status.textContent = text;
    error.textContent = err ?? "";
    error.hidden = !err;
  }

  async function upload(): Promise<void> {
    const f = file.files?.[0];
    if (!f) return;
    say(`uploading ${f.name}…`);
    try {
      const m = await api.uploadModel(f);
      say(`${f.name}: stored as model ${m.id}, ${m.name} ${m.version}`);
      await load();
    } catch (err) {
      say("", `${f.name}: ${errorText(err)}`);
    } finally {
      file.value = "";  // the same file may be chosen again
    }
  }

  async function remove(m: Model): Promise<void> {
    if (!window.confirm(`Delete model ${m.id} (${m.name} ${m.version}) from the registry?`)) return;
    try {
      await api.deleteModel(m.id);
      say(`deleted model ${m.id}, ${m.name} ${m.version}`);
      await load();
    } catch (err) {
      say("", `delete model ${m.id}: ${errorText(err)}`);
    }
  }

  function render(): void {
    clear(tbody);
    count.textContent = `${models.length} model${models.length === 1 ? "" : "s"}`;
    if (models.length === 0) tbody.append(h("tr", {}, h("td", { colspan: COLUMNS, class: "muted" }, "No model yet: upload one.")));
    for (const m of models) {
      const form = forms.get(m.id) ?? rolloutForm(m);
      forms.set(m.id, form);
      tbody.append(h("tr", { "data-model-id": m.id, "data-version": m.version },
        h("td", { class: "id" }, m.id),
        h("td", { class: "name" }, m.name),
        h("td", { class: "version mono" }, m.version, m.delta ? h("span", { class: "muted" }, " (delta)") : null),
        h("td", { class: "signed" }, h("span", { class: `badge ${m.signed ? "online" : "offline"}` }, m.signed ? "signed" : "unsigned")),
        h("td", { class: "size" }, size(m.size)),
        h("td", { class: "labels" }, ...(m.labels ?? []).map((l) => h("span", { class: "chip" }, l))),
        h("td", { class: "created", title: m.digest }, m.created_ms ? new Date(m.created_ms).toLocaleString() : "—"),
        h("td", { class: "ops" },
          h("button", { "data-testid": "model-rollout", onclick: () => { form.hidden = !form.hidden; } }, "roll out…"),
          h("button", { "data-testid": "model-delete", onclick: () => { void remove(m); } }, "delete"))),
      form);
    }
    for (const id of forms.keys()) if (!models.some((m) => m.id === id)) forms.delete(id);
  }

  async function load(): Promise<void> {
    models = await api.models();
    render();
  }

  const unsubscribe = subscribe((e) => {
    if (e.kind === "model_added" || e.kind === "model_deleted") load().catch(() => {});
  });
  load().catch((err) => tbody.replaceChildren(h("tr", {}, h("td", { colspan: COLUMNS, class: "error" }, errorText(err)))));
  return unsubscribe;
}
