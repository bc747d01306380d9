// The model registry and rollout pages against the real server run.sh
// started (with --fleet-key): three tiny models are trained and signed with
// the fleet key, three devices of this test's own run 1.0.0 (`lwcl fleet
// --fleet-key`); in the browser, 1.1.0 is uploaded through the file input
// and listed, an unsigned package and a duplicate are refused with the
// server's words, a model is deleted, a rollout started from the form
// reaches "completed" with the 3 devices active, a rollout of a version the
// devices already run halts with its reason shown, and pause / resume /
// abort change a rollout's state.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  BASE, COAP, FLEET_KEY, LWCL, SCRATCH, TOKEN, api, launch, lwcl, newPage, screenshot, startLwcl, until, withToken,
} from "./helpers.mjs";

const PREFIX = "lwcl-ro-";
const DEVICES = 3;
const missing = [!LWCL && "LWCL_BIN", !COAP && "LWCL_WEB_COAP", !FLEET_KEY && "LWCL_WEB_FLEET_KEY"].filter(Boolean);
const skip = missing.length > 0 && `needs ${missing.join(", ")} (web/tests/run.sh sets them)`;

let browser, page, dir, fleet;
const pkg = {};

// Two classes of 26 Hz accelerometer CSV in g, 10 s each: stillness and a
// 1 Hz swing (as apps/tests/rollout_smoke.sh writes them with awk).
function writeDataset(root) {
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const label of ["idle", "wave"]) mkdirSync(join(root, label), { recursive: true });
  for (let k = 1; k <= 6; k++) {
    const idle = ["x,y,z"], wave = ["x,y,z"];
    for (let i = 0; i < 260; i++) {
      const t = i / 26, n = () => (rand() - 0.5) * 0.04;
      idle.push(`${n().toFixed(4)},${n().toFixed(4)},${(1 + n()).toFixed(4)}`);
      wave.push(`${(0.6 * Math.sin(2 * Math.PI * t + k) + n()).toFixed(4)},` +
        `${(0.3 * Math.cos(2 * Math.PI * t + k) + n()).toFixed(4)},${(1 + n()).toFixed(4)}`);
    }
    writeFileSync(join(root, "idle", `rec${k}_26Hz_g.csv`), idle.join("\n") + "\n");
    writeFileSync(join(root, "wave", `rec${k}_26Hz_g.csv`), wave.join("\n") + "\n");
  }
}

const train = (version, out, signed = true) => lwcl(["-q", "train", join(dir, "data"), "--seed", "1", "--epochs", "40",
  "--patience", "10", "--model-version", version, ...(signed ? ["--sign-key", FLEET_KEY] : []), "--out", out]);

const text = async (testid) => ((await page.locator(`[data-testid="${testid}"]`).textContent()) ?? "").trim();
const rolloutState = () => page.locator('[data-testid="rollout-state"]').getAttribute("data-state");
const modelRow = (version) => page.locator(`tr[data-model-id][data-version="${version}"]`);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(SCRATCH || "/tmp", "models-rollout-"));
  writeDataset(join(dir, "data"));
  for (const [name, version, signed] of [["v10", "1.0.0", true], ["v11", "1.1.0", true], ["v12", "1.2.0", true],
    ["unsigned", "1.3.0", false]]) {
    pkg[name] = join(dir, `${name}.lwpkg`);
    await train(version, pkg[name], signed);
  }
  fleet = startLwcl(["fleet", "--devices", String(DEVICES), "--threads", "1", "--server", `coap://${COAP}`,
    "--model", pkg.v10, "--fleet-key", `${FLEET_KEY}.pub`, "--slots", join(dir, "slots"), "--prefix", PREFIX,
    "--patterns", "idle,wave", "--spread", "0.3", "--status-every", "5", "--duration", "240"], join(dir, "fleet.log"));
  await until(`${DEVICES} ${PREFIX}* devices registered`, async () =>
    (await api("devices")).filter((d) => d.registered && d.endpoint.startsWith(PREFIX)).length === DEVICES, 30000);
  // A rollout's confidence baseline is each device's own mean confidence
  // (/33651/0/6), which exists once it has classified a window: wait for
  // that, or a device still on its first window has no baseline to show.
  await until(`${DEVICES} ${PREFIX}* devices classified a window`, async () => {
    for (let i = 0; i < DEVICES; ++i) {
      const r = await api(`devices/${PREFIX}${i}/read`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {}) },
        body: JSON.stringify({ path: "/33651/0/5" }),
      });
      if (r.code !== "2.05" || !(r.values?.[0]?.value > 0)) return false;
    }
    return true;
  }, 30000, 500);
  browser = await launch();
  page = await newPage(browser);
  page.on("dialog", (d) => d.accept());  // the confirm() of delete and abort
});

after(async () => {
  await browser?.close();
  // SIGTERM: the devices de-register, so the overview shows them offline.
  if (fleet) assert.equal(await fleet.stop(), 0, `lwcl fleet did not stop cleanly:\n${fleet.log().slice(-2000)}`);
});

test("the models page uploads a signed package, refuses an unsigned one and a duplicate, deletes", { skip }, async () => {
  await page.goto(`${BASE}${withToken("#/models")}`);
  await page.locator("table.models").waitFor();
  assert.match(await page.locator('[data-testid="nav-models"]').getAttribute("class"), /current/);

  await page.locator('[data-testid="model-file"]').setInputFiles(pkg.v11);
  await modelRow("1.1.0").waitFor({ timeout: 10000 });
  assert.equal((await modelRow("1.1.0").locator("td.signed").textContent()).trim(), "signed");
  assert.equal((await modelRow("1.1.0").locator("td.name").textContent()).trim(), "motion");
  assert.deepEqual(await modelRow("1.1.0").locator("td.labels .chip").allTextContents(), ["idle", "wave"]);
  assert.match(await text("models-status"), /stored as model \d+, motion 1\.1\.0/);
  assert.ok(await page.locator('[data-testid="models-error"]').isHidden(), "no error after a good upload");
  const stored = (await api("models")).find((m) => m.version === "1.1.0");
  assert.ok(stored?.signed, "the server has 1.1.0, signed");

  await page.locator('[data-testid="model-file"]').setInputFiles(pkg.unsigned);
  await page.locator('[data-testid="models-error"]').waitFor({ state: "visible", timeout: 10000 });
  assert.match(await text("models-error"), /^unsigned\.lwpkg: 400: .*unsigned/);
  assert.equal(await modelRow("1.3.0").count(), 0, "the unsigned package is not listed");

  await page.locator('[data-testid="model-file"]').setInputFiles(pkg.v11);
  await until("the duplicate refused", async () => /409: .*already model/.test(await text("models-error")), 10000);

  // 1.2.0 in and out again: delete (confirm accepted) removes its row.
  await page.locator('[data-testid="model-file"]').setInputFiles(pkg.v12);
  await modelRow("1.2.0").waitFor({ timeout: 10000 });
  await modelRow("1.2.0").locator('[data-testid="model-delete"]').click();
  await modelRow("1.2.0").waitFor({ state: "detached", timeout: 10000 });
  assert.equal((await api("models")).filter((m) => m.version === "1.2.0").length, 0);
  console.log("screenshot:", await screenshot(page, "models"));
});

test("a rollout started from the form reaches completed with every device active", { skip, timeout: 120000 }, async () => {
  await page.goto(`${BASE}${withToken("#/models")}`);
  await modelRow("1.1.0").locator('[data-testid="model-rollout"]').click();
  const form = page.locator('tr.rollout-form-row:not([hidden])');
  await form.waitFor();
  await form.locator('[data-testid="rollout-devices-mode"]').selectOption("group");
  await form.locator('[data-testid="rollout-devices"]').fill(`${PREFIX}*`);
  await form.locator('[data-testid="rollout-canary"]').fill("30");
  await form.locator('[data-testid="rollout-probation"]').fill("2");
  await form.locator('[data-testid="rollout-delivery"]').selectOption("push");
  await form.locator('[data-testid="rollout-start"]').click();
  await page.waitForURL(/#\/rollout\/\d+$/, { timeout: 10000 });
  const id = Number(page.url().match(/#\/rollout\/(\d+)$/)[1]);
  assert.match(await page.locator('[data-testid="nav-rollouts"]').getAttribute("class"), /current/);
  const fetches = [];
  const onRequest = (req) => { if (new URL(req.url()).pathname.endsWith(`/api/rollouts/${id}`)) fetches.push(Date.now()); };
  page.on("request", onRequest);

  // The page follows by itself (stream events, 2 s polls): no reloads here.
  await until("the rollout page says completed", async () => (await rolloutState()) === "completed", 90000, 500)
    .catch(async (err) => { await screenshot(page, "rollout-timeout"); throw err; });
  page.off("request", onRequest);
  // Polls alone come 2 s apart: refetches sooner were the stream's rollout events.
  const gaps = fetches.slice(1).map((t, i) => t - fetches[i]);
  assert.ok(gaps.some((g) => g < 1500), `no refetch on a stream event (gaps ${gaps.join(", ")} ms)`);
  assert.equal(await text("rollout-model").then((t) => t.startsWith("motion 1.1.0")), true);
  assert.equal(await page.locator('[data-testid="count-active"]').getAttribute("data-count"), String(DEVICES));
  assert.equal(await page.locator('[data-testid="count-failed"]').getAttribute("data-count"), "0");
  const bar = page.locator('[data-testid="rollout-progress"]');
  assert.equal(await bar.getAttribute("data-done"), String(DEVICES));
  assert.equal(await bar.getAttribute("data-total"), String(DEVICES));
  assert.match(await bar.textContent(), /3 \/ 3 done · 100%/);
  const rows = page.locator("table.rollout-devices tr[data-endpoint]");
  assert.equal(await rows.count(), DEVICES);
  for (const r of await rows.all()) {
    assert.equal(await r.getAttribute("data-state"), "active", `${await r.getAttribute("data-endpoint")} active`);
    assert.match(await r.locator("td.confidence").textContent(), /^\d\.\d{3} vs \d\.\d{3} \(\d+%\)$/);
  }
  assert.equal(await page.locator('tr[data-canary="true"]').count(), 1, "30 % of 3: one canary");
  const bytes = Number((await text("rollout-bytes")).match(/^(\d+)/)[1]);
  assert.ok(bytes >= DEVICES * 1000, `bytes sent ${bytes}`);
  assert.ok(await page.locator('[data-testid="rollout-halt-reason"]').isHidden());
  assert.ok(await page.locator('[data-testid="rollout-pause"]').isDisabled(), "a completed rollout does not pause");
  assert.ok(await page.locator('[data-testid="rollout-abort"]').isDisabled());
  const r = await api(`rollouts/${id}`);
  assert.equal(r.state, "completed");
  assert.equal(r.counts.active, DEVICES);
  console.log("screenshot:", await screenshot(page, "rollout"));

  // The list links to it, completed.
  await page.locator('[data-testid="nav-rollouts"]').click();
  const row = page.locator(`tr[data-rollout-id="${id}"]`);
  await row.waitFor({ timeout: 10000 });
  assert.equal(await row.getAttribute("data-state"), "completed");
  assert.match(await row.textContent(), /motion 1\.1\.0/);
});

test("a rollout that halts shows why; abort ends it", { skip, timeout: 60000 }, async () => {
  // The devices run 1.1.0 now: the same version again fails the canary's install.
  await page.goto(`${BASE}${withToken("#/models")}`);
  await modelRow("1.1.0").locator('[data-testid="model-rollout"]').click();
  const form = page.locator('tr.rollout-form-row:not([hidden])');
  await form.locator('[data-testid="rollout-devices-mode"]').selectOption("list");
  await form.locator('[data-testid="rollout-devices"]').fill(`${PREFIX}0`);
  await form.locator('[data-testid="rollout-start"]').click();
  await page.waitForURL(/#\/rollout\/\d+$/, { timeout: 10000 });
  await until("the rollout halts", async () => (await rolloutState()) === "halted", 30000, 250);
  const halt = page.locator('[data-testid="rollout-halt-reason"]');
  assert.ok(await halt.isVisible(), "the halt reason is shown");
  assert.match(await halt.textContent(), /^Halted: canary: 1 of 1 devices unhealthy .*not newer/);
  assert.match(await page.locator(`tr[data-endpoint="${PREFIX}0"] td.reason`).textContent(), /not newer/);
  assert.ok(await page.locator('[data-testid="rollout-resume"]').isDisabled(), "a halted rollout does not resume");
  console.log("screenshot:", await screenshot(page, "rollout-halted"));
  await page.locator('[data-testid="rollout-abort"]').click();
  await until("aborted", async () => (await rolloutState()) === "aborted", 10000);
  assert.equal(await text("rollout-action-error"), "");
});

test("pause and resume change a rollout's state; the form's errors are the server's", { skip, timeout: 60000 }, async () => {
  await page.goto(`${BASE}${withToken("#/models")}`);
  await page.locator('[data-testid="model-file"]').setInputFiles(pkg.v12);
  await modelRow("1.2.0").locator('[data-testid="model-rollout"]').click();
  const form = page.locator('tr.rollout-form-row:not([hidden])');
  await form.locator('[data-testid="rollout-devices-mode"]').selectOption("group");
  await form.locator('[data-testid="rollout-devices"]').fill("nobody-*");
  await form.locator('[data-testid="rollout-start"]').click();
  await until("the group refused", async () =>
    /^400: no registered device matches the group nobody-\*/.test((await form.locator('[data-testid="rollout-error"]').textContent()) ?? ""), 10000);

  // A long probation keeps the canary going while the buttons are tried.
  await form.locator('[data-testid="rollout-devices"]').fill(`${PREFIX}1`);
  await form.locator('[data-testid="rollout-probation"]').fill("120");
  await form.locator('[data-testid="rollout-start"]').click();
  await page.waitForURL(/#\/rollout\/\d+$/, { timeout: 10000 });
  await until("the canary runs", async () => (await rolloutState()) === "canary", 10000);
  await page.locator('[data-testid="rollout-pause"]').click();
  await until("paused", async () => (await rolloutState()) === "paused", 10000);
  assert.ok(await page.locator('[data-testid="rollout-pause"]').isDisabled());
  await page.locator('[data-testid="rollout-resume"]').click();
  await until("resumed", async () => (await rolloutState()) === "canary", 10000);
  await page.locator('[data-testid="rollout-abort"]').click();
  await until("aborted", async () => (await rolloutState()) === "aborted", 10000);
  assert.equal(await text("rollout-action-error"), "");
});
