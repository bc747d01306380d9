// The Learning panel of a device page against a real device: the capture
// threshold set to 1 from the panel (every window is kept), a buffered
// /33652 sample labelled from its table (the device then holds the label),
// Upload samples (the server's table shows them; the labelled one came
// labelled by the device), a stored sample labelled from the page (PUT
// api/samples/ID/label), the device's refusals shown (a capture threshold of
// 2, Adapt now while learning is off: 4.00), learning mode 1 read back, and
// Reset to baseline (Update Count 0). Uses the fleet's second device, as
// api_frequency.test.mjs does (device.test.mjs has the first), and puts the
// capture threshold and the learning mode back afterwards.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, TOKEN, api, launch, newPage, screenshot, until, withToken } from "./helpers.mjs";

let browser, page, ep;

const send = (method, path, body) =>
  api(path, {
    method,
    headers: { "Content-Type": "application/json", ...(TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {}) },
    body: JSON.stringify(body),
  });
const read = async (path) => {
  const r = await send("POST", `devices/${encodeURIComponent(ep)}/read`, { path });
  assert.equal(r.code, "2.05", `read ${path}: ${JSON.stringify(r)}`);
  return r.values;
};
const readOne = async (path) => (await read(path)).find((v) => v.path === path)?.value;
const stored = () => api(`devices/${encodeURIComponent(ep)}/samples`);
const testid = (id) => page.locator(`[data-testid="${id}"]`);
const resultText = async () => (await testid("learning-result").textContent()) ?? "";

before(async () => {
  browser = await launch();
  const devices = await until("two registered devices with /33651", async () => {
    const d = (await api("devices"))
      .filter((x) => x.registered && x.endpoint.startsWith("lwcl-web-") && x.registration.object_links.includes("</33651/"))
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
    return d.length >= 2 && d;
  });
  ep = devices[1].endpoint;
  page = await newPage(browser);
  await page.goto(`${BASE}${withToken(`#/device/${encodeURIComponent(ep)}`)}`);
  await testid("learning").waitFor();
  await until("stream connected", async () => (await testid("stream-state").textContent()) === "live", 10000);
});

after(async () => {
  // Whatever happened above: the defaults back, so later runs start clean.
  if (ep) {
    await send("POST", `devices/${encodeURIComponent(ep)}/write`, { path: "/33651/0/12", value: 0.5 }).catch(() => {});
    await send("POST", `devices/${encodeURIComponent(ep)}/write`, { path: "/33651/0/8", value: 0 }).catch(() => {});
  }
  await browser?.close();
});

async function saveThreshold(value) {
  await testid("learning-capture").fill(String(value));
  await testid("learning-capture-save").click();
  return until(`the answer to capture threshold ${value}`, async () => {
    const t = await resultText();
    return t.includes(`capture threshold ${value}:`) && t;
  });
}

test("the Learning panel: capture, label, upload, label on the server, refusals, mode, reset", async () => {
  const labels = [...new Set((await read("/33650")).filter((v) => /\/2002$/.test(v.path)).map((v) => v.value))].sort();
  assert.ok(labels.length > 0, "the model has labels");
  await until("the learning mode shown", async () => (await testid("learning-mode-current").getAttribute("data-value")) === "0");

  // Drift score and mean confidence charted once observed.
  await testid("learning-observe").click();
  await until("drift score charted", async () => Number(await page.locator('[data-chart="Drift score"]').getAttribute("data-points")) > 1);
  await until("mean confidence charted", async () => Number(await page.locator('[data-chart="Mean confidence"]').getAttribute("data-points")) > 1);

  // Capture threshold 1: every window is kept.
  assert.match(await saveThreshold(1), /capture threshold 1: 2\.04/);
  assert.equal(await readOne("/33651/0/12"), 1);
  const rows = page.locator('[data-testid="buffered-samples"] tr[data-instance]');
  let tries = 0;
  await until("buffered samples in the table", async () => {
    if (++tries % 8 === 0) await testid("buffered-refresh").click();  // besides the Buffered Samples notifications
    return (await rows.count()) >= 2;
  });

  // Label the newest one from the table; the device holds it.
  const label = labels[0];
  const instance = Number(await rows.first().getAttribute("data-instance"));
  const row = page.locator(`[data-testid="buffered-samples"] tr[data-instance="${instance}"]`);
  await row.locator('[data-testid="sample-label"]').selectOption(label);
  await row.locator('[data-testid="sample-label-save"]').click();
  await until("the label written", async () => (await row.locator('[data-testid="sample-label-result"]').textContent()) === "2.04");
  assert.equal(await readOne(`/33652/${instance}/4`), label);
  // Back to the default so the buffer stops turning over.
  assert.match(await saveThreshold(0.5), /capture threshold 0.5: 2\.04/);

  // Upload: the server's table and API have them, the labelled one labelled by the device.
  await testid("learning-upload").click();
  await until("the upload answered", async () => /upload samples: 2\.04/.test(await resultText()));
  const storedRow = page.locator(`[data-testid="stored-samples"] tr[data-instance="${instance}"]`);
  await until("the labelled sample in the server's table", async () =>
    (await storedRow.count()) === 1 && (await storedRow.getAttribute("data-labelled-by")) === "device");
  const all = await stored();
  const mine = all.find((s) => s.instance === instance);
  assert.ok(mine, `sample of instance ${instance} stored`);
  assert.equal(mine.label, label);
  assert.equal(mine.labelled_by, "device");
  assert.ok(all.length >= 2, `want several stored samples, got ${all.length}`);
  const shown = await page.locator('[data-testid="stored-samples"] tr[data-sample-id]').count();
  assert.equal(shown, all.length);

  // Label a stored sample from the page.
  const other = all.find((s) => s.id !== mine.id);
  const relabel = labels.at(-1);
  const otherRow = page.locator(`[data-testid="stored-samples"] tr[data-sample-id="${other.id}"]`);
  await otherRow.locator('[data-testid="stored-label"]').selectOption(relabel);
  await otherRow.locator('[data-testid="stored-label-save"]').click();
  await until("the stored label saved", async () => {
    const s = (await stored()).find((x) => x.id === other.id);
    return s.label === relabel && s.labelled_by === "person";
  });
  await until("the table shows it", async () =>
    (await page.locator(`[data-testid="stored-samples"] tr[data-sample-id="${other.id}"]`).getAttribute("data-label")) === relabel);

  // A capture threshold outside 0..1: the device's 4.00 on the page.
  assert.match(await saveThreshold(2), /capture threshold 2: 4\.00/);
  assert.equal(await testid("learning-result").getAttribute("data-code"), "4.00");
  assert.equal(await readOne("/33651/0/12"), 0.5);

  // Adapt now while learning is off: 4.00.
  await testid("learning-adapt").click();
  await until("adapt now refused", async () => /adapt now: 4\.00/.test(await resultText()));

  // Teach Label while learning is off: the device's 4.00, nothing taught.
  await testid("learning-teach").fill("figure8");
  await testid("learning-teach-save").click();
  await until("teach refused", async () => /teach label figure8: 4\.00/.test(await resultText()));
  assert.equal((await read("/33650")).filter((v) => v.value === "figure8").length, 0);

  // Learning mode 1, read back.
  await testid("learning-mode").selectOption("1");
  await until("mode 1 read back", async () => (await testid("learning-mode-current").getAttribute("data-value")) === "1");
  assert.equal(await readOne("/33651/0/8"), 1);

  // Mode 2: Teach Label takes a pattern the model lacks, a /33650 instance appears.
  await testid("learning-mode").selectOption("2");
  await until("mode 2 read back", async () => (await testid("learning-mode-current").getAttribute("data-value")) === "2");
  await testid("learning-teach-save").click();
  await until("teach answered", async () => /teach label figure8: 2\.04/.test(await resultText()));
  assert.equal(await readOne("/33651/0/14"), "figure8");
  await until("a /33650 instance for figure8", async () =>
    (await read("/33650")).some((v) => /\/2002$/.test(v.path) && v.value === "figure8"));

  // Reset to baseline: Update Count 0, the taught class gone.
  await testid("learning-reset").click();
  await until("reset answered", async () => /reset to baseline: 2\.04/.test(await resultText()));
  await until("update count 0", async () => (await testid("learning-update-count").getAttribute("data-value")) === "0");
  assert.equal(await readOne("/33651/0/20"), 0);
  assert.equal((await read("/33650")).filter((v) => v.value === "figure8").length, 0);
  console.log("screenshot:", await screenshot(page, "learning"));

  await testid("learning-mode").selectOption("0");
  await until("mode 0 again", async () => (await testid("learning-mode-current").getAttribute("data-value")) === "0");
});
