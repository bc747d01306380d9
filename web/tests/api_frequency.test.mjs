// The case study's frequency control through the REST API alone (the
// dashboard test does the same through the page): a device is switched from
// a notification per detection to a counter every 2 s, the stored series then
// has samples about 2 s apart, and it is switched back. Uses the fleet's
// second device so it never races the dashboard test on the first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TOKEN, api, until } from "./helpers.mjs";

const post = (path, body) =>
  api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {}) },
    body: JSON.stringify(body),
  });

async function counterTimes(ep, from) {
  const s = await api(`devices/${encodeURIComponent(ep)}/series?path=/33650/0/2001&from=${from}&to=${Date.now() + 1000}`);
  return s.samples.map((x) => x.time_ms).sort((a, b) => a - b);
}

async function detectorAttributes(ep) {
  const d = await post(`devices/${encodeURIComponent(ep)}/discover`, { path: "/33650" });
  assert.equal(d.code, "2.05");
  return d.links.find((l) => l.uri === "/33650")?.attributes ?? {};
}

test("every detection -> a counter every 2 s -> every detection, through the REST API", async () => {
  const devices = await until("two registered devices", async () => {
    const d = (await api("devices"))
      .filter((x) => x.registered && x.registration.object_links.includes("</33650/"))
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
    return d.length >= 2 && d;
  });
  const ep = devices[1].endpoint;
  const path = `devices/${encodeURIComponent(ep)}`;

  // Every detection: pmin 0, no pmax, then observe the object.
  assert.equal((await post(`${path}/attributes`, { path: "/33650", pmin: 0, pmax: null })).code, "2.04");
  const first = await post(`${path}/observe`, { path: "/33650" });
  assert.equal(first.code, "2.05");
  assert.ok(first.observation > 0);
  let attrs = await detectorAttributes(ep);
  assert.equal(attrs.pmin, "0");
  assert.equal(attrs.pmax, undefined);

  // A counter every 2 s.
  assert.equal((await post(`${path}/attributes`, { path: "/33650", pmin: 2, pmax: 2 })).code, "2.04");
  attrs = await detectorAttributes(ep);
  assert.equal(attrs.pmin, "2");
  assert.equal(attrs.pmax, "2");
  const switched = Date.now();
  // Skip the first period: a notification already under way may land early.
  const times = await until("five samples 2 s apart", async () => {
    const t = await counterTimes(ep, switched + 2500);
    return t.length >= 5 && t;
  }, 40000, 500);
  const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  console.log(`REST: gaps under pmin=pmax=2: ${gaps.map((g) => g.toFixed(2)).join(" ")}`);
  assert.ok(gaps[0] >= 1.5, `samples ${gaps[0]} s apart: pmin=2 should hold notifications back`);
  assert.ok(median >= 1.7 && median <= 3.0, `median gap ${median} s, want about 2 s`);

  // Back to every detection: pmax gone, so no periodic reports; the
  // observation carries on.
  assert.equal((await post(`${path}/attributes`, { path: "/33650", pmin: 0, pmax: null })).code, "2.04");
  attrs = await detectorAttributes(ep);
  assert.equal(attrs.pmin, "0");
  assert.equal(attrs.pmax, undefined);
  const active = (await api(`observations?endpoint=${encodeURIComponent(ep)}`)).filter((o) => o.paths.join() === "/33650");
  assert.equal(active.length, 1);
  assert.ok(active[0].active);
});
