// Reading CoRE link format (RFC 6690) as LwM2M uses it: the object links a
// device registers with ("</1/0>,</3/0>,</33650/0>;ver=1.0") and the
// attributes Discover reports ("</33650>;pmin=2;pmax=2").
export interface Link { path: number[]; attrs: Record<string, string | true> }

export function parseLinks(text: string): Link[] {
  const out: Link[] = [];
  // Commas inside quoted attribute values do not split links.
  for (const part of text.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const m = part.trim().match(/^<([^>]*)>(.*)$/);
    if (!m) continue;
    const path = m[1].split("/").filter((s) => s !== "").map(Number);
    if (path.some((n) => !Number.isInteger(n))) continue;
    const attrs: Record<string, string | true> = {};
    for (const a of m[2].split(";").map((s) => s.trim()).filter(Boolean)) {
      const eq = a.indexOf("=");
      if (eq < 0) attrs[a] = true;
      else attrs[a.slice(0, eq)] = a.slice(eq + 1).replace(/^"(.*)"$/, "$1");
    }
    out.push({ path, attrs });
  }
  return out;
}

// Object id -> instance ids the registration names (empty: the object is
// there but no instance was listed).
export function objectTree(objectLinks: string): Map<number, number[]> {
  const tree = new Map<number, number[]>();
  for (const l of parseLinks(objectLinks)) {
    if (l.path.length === 0) continue;  // "</>;rt=..." is the root, not an object
    const [oid, iid] = l.path;
    if (!tree.has(oid)) tree.set(oid, []);
    if (iid !== undefined && !tree.get(oid)!.includes(iid)) tree.get(oid)!.push(iid);
  }
  return new Map([...tree.entries()].sort((a, b) => a[0] - b[0]));
}
