// The fleet overview lists every device of the fleet as online, with its
// pattern counters, and links to the device page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, TOKEN, api, launch, newPage, screenshot, until, withToken } from "./helpers.mjs";

const EXPECTED = Number(process.env.LWCL_WEB_DEVICES ?? 2);
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the overview lists the fleet's devices as online", async () => {
  // (Devices another test ran and stopped are listed too, offline.)
  const all = await until("devices registered", async () => {
    const d = await api("devices");
    return d.filter((x) => x.registered).length >= EXPECTED && d;
  });
  const devices = all.filter((x) => x.registered);
  const page = await newPage(browser);
  await page.goto(BASE);
  for (const d of all) {
    const want = d.registered ? "online" : "offline";
    const row = page.locator(`tr[data-endpoint="${d.endpoint}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.equal(await row.getAttribute("data-status"), want, `${d.endpoint} should show ${want}`);
    assert.equal((await row.locator(".badge").textContent()).trim(), want);
  }
  const rows = await page.locator("tr[data-endpoint]").count();
  assert.ok(rows >= EXPECTED, `want at least ${EXPECTED} rows, got ${rows}`);
  // Pattern counters appear as the devices detect things (the overview reads
  // the latest stored values, so something must have been observed or sent:
  // at least the last seen time is filled).
  const seen = await page.locator(`tr[data-endpoint="${devices[0].endpoint}"] td.last-seen`).textContent();
  assert.notEqual(seen.trim(), "never");
  await until("stream connected", async () => (await page.locator('[data-testid="stream-state"]').textContent()) === "live", 10000);
  console.log("screenshot:", await screenshot(page, "overview"));
  // The endpoint links to its device page.
  await page.locator(`tr[data-endpoint="${devices[0].endpoint}"] a`).click();
  await page.waitForURL(/#\/device\//);
  await page.locator(".frequency").waitFor();
  await page.close();
});

test("a token in the URL fragment is kept for the tab and taken out of the address", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}${withToken("#") || "#"}${TOKEN ? "" : "token=t0k3n"}`);
  await page.locator("table.fleet").waitFor();
  const stored = await page.evaluate(() => sessionStorage.getItem("lwcl.token"));
  assert.equal(stored, TOKEN || "t0k3n");
  assert.doesNotMatch(page.url(), /token=/);
  assert.equal((await page.locator(".top button").textContent()).trim(), "forget token");
  // A route keeps working with the token after it.
  await page.goto(`${BASE}${withToken("#/device/nobody")}`);
  await page.locator(".crumbs").waitFor();
  assert.match(page.url(), /#\/device\/nobody$/);
  await page.close();
});
