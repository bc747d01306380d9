// Shared by the browser tests: where the server is (run.sh exports
// LWCL_WEB_URL), a headless Debian chromium driven by playwright-core (no
// browser download: CHROMIUM or /usr/bin/chromium; --no-sandbox because CI
// runs as root), and small polling helpers (the data arrives when devices
// send it, so tests wait for conditions with generous deadlines, never sleep
// a fixed time and hope).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const BASE = process.env.LWCL_WEB_URL ?? "http://127.0.0.1:8080/";
// The server's API token (run.sh starts it with one, so the dashboard's
// token handling is exercised: writes fail without it).
export const TOKEN = process.env.LWCL_WEB_TOKEN ?? "";
export const withToken = (hash) => (TOKEN ? `${hash}${hash.includes("/") ? "&" : ""}token=${encodeURIComponent(TOKEN)}` : hash);
export const OUT = process.env.LWCL_WEB_OUT ?? new URL("./out/", import.meta.url).pathname;
// For tests that run `lwcl` themselves (run.sh exports these): the binary,
// the server's CoAP address, the fleet's private key (the server has the
// .pub as --fleet-key) and a scratch directory run.sh removes afterwards.
export const LWCL = process.env.LWCL_BIN ?? "";
export const COAP = process.env.LWCL_WEB_COAP ?? "";
export const FLEET_KEY = process.env.LWCL_WEB_FLEET_KEY ?? "";
export const SCRATCH = process.env.LWCL_WEB_TMP ?? "";

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

// Runs `lwcl ARGS...` to its end; rejects with its output when it fails.
export function lwcl(args, log) {
  return new Promise((resolve, reject) => {
    const p = spawn(LWCL, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (b) => { out += b; });
    p.stderr.on("data", (b) => { out += b; });
    p.on("error", reject);
    p.on("close", (code) => {
      if (log) createWriteStream(log).end(out);
      if (code === 0) resolve(out); else reject(new Error(`lwcl ${args.join(" ")}: exit ${code}\n${out}`));
    });
  });
}

// Starts `lwcl ARGS...` in the background, its output to `log`; stop()
// sends SIGTERM and waits for it (SIGKILL after 5 s). Give long-running
// commands a --duration too, so nothing outlives a test that crashed.
export function startLwcl(args, log) {
  const p = spawn(LWCL, args, { stdio: ["ignore", "pipe", "pipe"] });
  const file = createWriteStream(log);
  p.stdout.pipe(file);
  p.stderr.pipe(file);
  const exited = new Promise((resolve) => p.on("close", (code, signal) => resolve(code ?? signal)));
  return {
    log: () => (existsSync(log) ? readFileSync(log, "utf8") : ""),
    exited,
    async stop() {
      if (p.exitCode !== null || p.signalCode !== null) return exited;
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}
