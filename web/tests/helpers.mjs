// Shared by the browser tests: where the server is (run.sh exports
// LWCL_WEB_URL), a headless Debian chromium driven by playwright-core (no
// browser download: CHROMIUM or /usr/bin/chromium; --no-sandbox because CI
// runs as root), and small polling helpers (the data arrives when devices
// send it, so tests wait for conditions with generous deadlines, never sleep
// a fixed time and hope).
import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE = process.env.LWCL_WEB_URL ?? "http://127.0.0.1:8080/";
// The server's API token (run.sh starts it with one, so the dashboard's
// token handling is exercised: writes fail without it).
export const TOKEN = process.env.LWCL_WEB_TOKEN ?? "";
export const withToken = (hash) => (TOKEN ? `${hash}${hash.includes("/") ? "&" : ""}token=${encodeURIComponent(TOKEN)}` : hash);
export const OUT = process.env.LWCL_WEB_OUT ?? new URL("./out/", import.meta.url).pathname;

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"]) {
    if (p && existsSync(p)) return p;
  }
  throw new Error("no chromium: apt-get install chromium, or set CHROMIUM=/path/to/chrome");
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (err) => console.error("page error:", err.message));
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(OUT, { recursive: true });
  const path = `${OUT}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function api(path, init) {
  const res = await fetch(new URL(`api/${path}`, BASE), init);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// Polls `fn` until it returns a truthy value; throws with `what` after `ms`.
export async function until(what, fn, ms = 30000, every = 250) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
