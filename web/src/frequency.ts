// How often a device reports its pattern counters, as a person says it
// ("every detection", "a counter every 5 minutes") and as LwM2M does it:
// observe attributes on the Pattern Detector object /33650, inherited by
// every instance and counter under it (Core spec 5.1.2).
//   every detection      -> pmin=0, pmax cleared
//   every N s/min/h      -> pmin=pmax=N seconds
export type Unit = "s" | "min" | "h";
export type Frequency = { kind: "detection" } | { kind: "every"; n: number; unit: Unit };

export const DETECTOR_PATH = "/33650";
const SECONDS: Record<Unit, number> = { s: 1, min: 60, h: 3600 };

export function toAttributes(f: Frequency): { pmin: number; pmax: number | null } {
  if (f.kind === "detection") return { pmin: 0, pmax: null };
  const s = Math.round(f.n * SECONDS[f.unit]);
  return { pmin: s, pmax: s };
}

// Reads the attributes back into words; anything else is "custom".
export function describe(attrs: Record<string, string | true>): string {
  const pmin = attrs.pmin === undefined ? undefined : Number(attrs.pmin);
  const pmax = attrs.pmax === undefined ? undefined : Number(attrs.pmax);
  if (pmin === undefined && pmax === undefined) return "server defaults (no attributes)";
  if (pmax === undefined && pmin === 0) return "every detection";
  if (pmin !== undefined && pmin === pmax) {
    if (pmin % 3600 === 0) return `a counter every ${pmin / 3600} h`;
    if (pmin % 60 === 0 && pmin >= 60) return `a counter every ${pmin / 60} min`;
    return `a counter every ${pmin} s`;
  }
  return "custom attributes";
}
