// The bearer token the REST API wants for changes (docs/api.md). It comes
// from the URL fragment (#token=... , also after a route: #/device/x&token=...)
// or from a prompt after a 401, and lives in sessionStorage only: closing
// the tab forgets it, and it is taken out of the address bar at once so it
// does not end up in bookmarks or screenshots.
const KEY = "lwcl.token";

export function takeTokenFromFragment(): void {
  const h = location.hash;
  const m = h.match(/[#&?]token=([^&]*)/);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  const rest = h.replace(m[0], "").replace(/^#?[&?]/, "#");
  history.replaceState(null, "", location.pathname + location.search + (rest === "#" ? "" : rest));
}

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function askForToken(reason: string): string | null {
  const t = window.prompt(`${reason}\nAPI token (kept for this tab only):`, "");
  if (t) sessionStorage.setItem(KEY, t);
  return t;
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
