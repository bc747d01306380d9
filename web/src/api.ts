// A thin typed client of the REST API (docs/api.md). Changes carry the
// bearer token when there is one; a 401 asks for it once and retries.
import { askForToken, token } from "./token";

export interface Registration {
  location: string; lifetime: number; binding: string; version: string;
  object_links: string; peer: string; registered_at_ms: number; updated_at_ms: number;
}
export interface DeviceSummary {
  endpoint: string; registered: boolean; last_seen_ms: number; model_version: string;
  registration?: Registration;
}
export interface Value { path: string; type: string; value: unknown; time_ms?: number }
export interface DeviceDetail {
  endpoint: string; created_ms: number; model_version: string; registered: boolean;
  registration?: Registration; values: Value[];
}
export interface LinkJson { uri: string; attributes: Record<string, string | true> }
export interface OpResult {
  code?: string; values?: Value[]; links?: LinkJson[]; observation?: number; error?: string; location?: string;
}
export interface Sample { path: string; type: string; value: unknown; time_ms: number }
export interface LwEvent { id: number; time_ms: number; endpoint: string | null; kind: string; detail: unknown }
export interface Observation { id: number; endpoint: string; paths: string[]; active: boolean }
export interface Model {
  id: number; name: string; version: string; signed: boolean; delta: boolean; size: number;
  digest: string; labels?: string[]; created_ms: number;
}
export type DeviceState = "pending" | "transferring" | "installed" | "active" | "failed" | "rolled_back";
export interface RolloutDevice {
  endpoint: string; state: DeviceState; canary: boolean; reason: string; slot: number; bytes_sent: number;
  baseline_confidence?: number; confidence?: number;
}
export interface Rollout {
  id: number; model: number; model_name: string; model_version: string;
  state: "canary" | "rolling" | "completed" | "halted" | "paused" | "aborted"; halt_reason: string;
  devices_total: number; canary_devices: number; counts: Record<DeviceState, number>;
  bytes_sent: number; package_bytes: number; elapsed_s: number;
  policy: { canary_percent: number; wave_size: number; max_concurrent: number; max_failure_ratio: number;
    min_confidence_ratio: number; probation_s: number; allow_downgrade: boolean; delivery: "push" | "pull" };
  devices?: RolloutDevice[];  // GET api/rollouts/ID only
}
// A training sample the server stored (Upload Samples, docs/api.md "Training samples").
export interface TrainingSample {
  id: number; endpoint: string; instance: number; taken_ms: number; received_ms: number; model: string;
  predicted: string; confidence: number; drift: number; label: string; labelled_by: string; features: number[];
}
export interface RolloutRequest {
  model: number; devices: "all" | string[] | { group: string };
  canary_percent?: number; probation_s?: number; delivery?: "push" | "pull";
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

// A Blob body (a file) goes as its raw bytes, anything else as JSON.
async function call<T>(method: string, url: string, body?: unknown, retried = false, quiet = false): Promise<T> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const raw = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = raw ? "application/octet-stream" : "application/json";
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { error: text }; }
  if (res.status === 401 && !retried && !quiet && askForToken("The server needs its token for this change.")) {
    return call<T>(method, url, body, true);
  }
  if (!res.ok) {
    const msg = (json as { error?: string } | null)?.error ?? `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  devices: () => call<DeviceSummary[]>("GET", "api/devices"),
  device: (ep: string) => call<DeviceDetail>("GET", `api/devices/${enc(ep)}`),
  series: (ep: string, path: string, from: number, limit = 5000) =>
    call<{ samples: Sample[] }>("GET", `api/devices/${enc(ep)}/series?path=${enc(path)}&from=${from}&limit=${limit}`),
  events: (q: { endpoint?: string; limit?: number; after?: number; from?: number }) => {
    const p = new URLSearchParams();
    if (q.endpoint) p.set("endpoint", q.endpoint);
    if (q.limit) p.set("limit", String(q.limit));
    if (q.after) p.set("after", String(q.after));
    if (q.from) p.set("from", String(q.from));
    return call<LwEvent[]>("GET", `api/events?${p}`);
  },
  observations: (ep: string) => call<Observation[]>("GET", `api/observations?endpoint=${enc(ep)}`),
  cancelObservation: (id: number) => call<OpResult>("DELETE", `api/observations/${id}`),
  op: (ep: string, op: string, body: Record<string, unknown>) =>
    call<OpResult>("POST", `api/devices/${enc(ep)}/${op}`, body),
  // The same without asking for a token on 401 (reads the page does by itself).
  quietOp: (ep: string, op: string, body: Record<string, unknown>) =>
    call<OpResult>("POST", `api/devices/${enc(ep)}/${op}`, body, false, true),
  deviceSamples: (ep: string) => call<TrainingSample[]>("GET", `api/devices/${enc(ep)}/samples`),
  labelSample: (id: number, label: string) => call<TrainingSample>("PUT", `api/samples/${id}/label`, { label }),
  models: () => call<Model[]>("GET", "api/models"),
  uploadModel: (file: Blob) => call<Model>("POST", "api/models", file),
  deleteModel: (id: number) => call<{ deleted: number }>("DELETE", `api/models/${id}`),
  rollouts: () => call<Rollout[]>("GET", "api/rollouts"),
  rollout: (id: number) => call<Rollout>("GET", `api/rollouts/${id}`),
  startRollout: (r: RolloutRequest) => call<Rollout>("POST", "api/rollouts", r),
  rolloutAction: (id: number, verb: "pause" | "resume" | "abort") => call<Rollout>("POST", `api/rollouts/${id}/${verb}`),
};
