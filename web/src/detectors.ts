// Pattern counters out of a device's latest values: /33650/<i>/2001 named by
// /33650/<i>/2002 (the label; the instance number when there is none).
import type { Value } from "./api";

export interface PatternCounter { instance: number; label: string; count: number; active: boolean }

export function patternCounters(values: Value[]): PatternCounter[] {
  const by = new Map<number, PatternCounter>();
  for (const v of values) {
    const m = v.path.match(/^\/33650\/(\d+)\/(200[012])$/);
    if (!m) continue;
    const i = Number(m[1]);
    const c = by.get(i) ?? { instance: i, label: `#${i}`, count: 0, active: false };
    if (m[2] === "2001") c.count = Number(v.value);
    else if (m[2] === "2002" && typeof v.value === "string" && v.value) c.label = v.value;
    else if (m[2] === "2000") c.active = v.value === true;
    by.set(i, c);
  }
  return [...by.values()].sort((a, b) => a.instance - b.instance);
}

// The model version: the server's record, else what /33651/0/1 said.
export function modelVersion(serverSide: string, values: Value[]): string {
  if (serverSide) return serverSide;
  const name = values.find((v) => v.path === "/33651/0/0")?.value;
  const ver = values.find((v) => v.path === "/33651/0/1")?.value;
  if (typeof ver === "string" && ver) return typeof name === "string" && name ? `${name} ${ver}` : ver;
  return "";
}
