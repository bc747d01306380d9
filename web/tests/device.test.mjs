// A device page: its /33650 counters rise live, and the notification
// frequency control switches the device to "a counter every 2 s" (the
// notifications then come about every 2 s) and back to "every detection".
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, api, launch, newPage, screenshot, until, withToken } from "./helpers.mjs";

let browser, page, ep;

before(async () => {
  browser = await launch();
  const devices = await until("a registered device", async () => {
    const d = (await api("devices")).filter((x) => x.registered && x.registration.object_links.includes("</33650/"));
    return d.length > 0 && d;
  });
  ep = devices[0].endpoint;
  page = await newPage(browser);
  await page.goto(`${BASE}${withToken(`#/device/${encodeURIComponent(ep)}`)}`);
  await page.locator('[data-testid="frequency-current"]').waitFor();
  await until("stream connected", async () => (await page.locator('[data-testid="stream-state"]').textContent()) === "live", 10000);
});
after(async () => { await browser?.close(); });

async function choose(kind, n) {
  if (kind === "detection") {
    await page.locator('input[name="freq"][value="detection"]').check();
  } else {
    await page.locator('input[name="freq"][value="every"]').check();
    await page.locator('input[aria-label="every N"]').fill(String(n));
    await page.locator('select[aria-label="unit"]').selectOption("s");
  }
  await page.locator('[data-testid="frequency-apply"]').click();
}

async function detectorObservation() {
  const obs = await api(`observations?endpoint=${encodeURIComponent(ep)}`);
  const o = obs.find((x) => x.paths.length === 1 && x.paths[0] === "/33650" && x.active);
  return o?.id;
}

// Times (ms) of the notifications the page's event log shows for one observation.
async function notificationTimes(observation) {
  return page.$$eval(`tr.ev-notification[data-observation="${observation}"]`,
    (rows) => rows.map((r) => Number(r.dataset.time)).sort((a, b) => a - b));
}

async function total() {
  const counts = await page.$$eval(".facts .chip[data-count]", (els) => els.map((e) => Number(e.dataset.count)));
  return counts.length ? counts.reduce((a, b) => a + b, 0) : -1;
}

test("every detection: the /33650 counters rise on the page", async () => {
  await choose("detection");
  await until("every detection in force", async () =>
    (await page.locator('[data-testid="frequency-current"]').textContent()) === "every detection", 20000);
  const raw = await page.locator('[data-testid="raw-attributes"]').textContent();
  assert.match(raw, /^\/33650;pmin=0$/m, `raw attributes: ${raw}`);
  assert.doesNotMatch(raw.split("\n")[0], /pmax/);
  const first = await until("counters shown", async () => { const t = await total(); return t >= 0 && { t }; });
  await until("counters rising", async () => (await total()) > first.t, 90000);
  await until("counter chart drawn", async () => Number(await page.locator('[data-chart="Pattern counters"]').getAttribute("data-points")) > 1, 20000);
  // The value cells of the object tree follow too.
  const cell = await page.locator('td.value[data-path$="/2001"]').first().textContent();
  assert.match(cell.trim(), /^\d+$/);
  console.log("screenshot:", await screenshot(page, "device"));
});

test("a counter every 2 s: notifications come about every 2 s, then back to every detection", async () => {
  await choose("every", 2);
  await until("2 s in force", async () =>
    (await page.locator('[data-testid="frequency-current"]').textContent()) === "a counter every 2 s", 20000);
  const raw = await page.locator('[data-testid="raw-attributes"]').textContent();
  assert.match(raw.split("\n")[0], /pmin=2/);
  assert.match(raw.split("\n")[0], /pmax=2/);
  const obs = await until("the new observation of /33650", detectorObservation, 10000);

  const times = await until("6 notifications under 2 s", async () => {
    const t = await notificationTimes(obs);
    return t.length >= 6 && t;
  }, 40000);
  const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  console.log(`gaps under pmin=pmax=2: ${gaps.map((g) => g.toFixed(2)).join(" ")} (median ${median})`);
  assert.ok(gaps[0] >= 1.5, `a notification came after ${gaps[0]} s: pmin=2 should hold them back`);
  assert.ok(median >= 1.7 && median <= 3.0, `median gap ${median} s, want about 2 s`);
  // The stored series agrees: the counters' samples are spaced the same way.
  const from = times[0] - 1;
  const series = await api(`devices/${encodeURIComponent(ep)}/series?path=/33650/0/2001&from=${from}&to=${times.at(-1) + 1}`);
  const st = series.samples.map((s) => s.time_ms);
  assert.ok(st.length >= 4, `want the stored samples too, got ${st.length}`);
  const sgaps = st.slice(1).map((t, i) => (t - st[i]) / 1000);
  assert.ok(Math.min(...sgaps) >= 1.5, `stored samples closer than pmin: ${sgaps.join(" ")}`);
  await screenshot(page, "device-2s");

  await choose("detection");
  await until("every detection again", async () =>
    (await page.locator('[data-testid="frequency-current"]').textContent()) === "every detection", 20000);
  const raw2 = await page.locator('[data-testid="raw-attributes"]').textContent();
  assert.match(raw2.split("\n")[0], /^\/33650;pmin=0$/);
  const obs2 = await until("the observation under every detection", detectorObservation, 10000);
  assert.notEqual(obs2, obs, "the 2 s observation should have been replaced");
  const active = (await api(`observations?endpoint=${encodeURIComponent(ep)}`)).filter((o) => o.paths.join() === "/33650");
  assert.equal(active.length, 1, "one observation of /33650 at a time");
  await until("notifications under every detection", async () => (await notificationTimes(obs2)).length >= 2, 90000);
});
