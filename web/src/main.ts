// The dashboard's entry: takes a token from the URL fragment, routes
// "#/" to the fleet overview and "#/device/<endpoint>" to a device page.
import "./style.css";
import { devicePage } from "./device";
import { h } from "./dom";
import { overviewPage } from "./overview";
import { onStreamState, subscribe } from "./stream";
import { askForToken, forgetToken, takeTokenFromFragment, token } from "./token";

const main = document.getElementById("app")!;
let leave: (() => void) | null = null;

function route(): void {
  takeTokenFromFragment();
  renderToken();
  leave?.();
  main.replaceChildren();
  const m = location.hash.match(/^#\/device\/([^&?]+)/);
  if (m) {
    const ep = decodeURIComponent(m[1]);
    document.title = `${ep} · LwCL`;
    leave = devicePage(main, ep);
  } else {
    document.title = "Fleet · LwCL";
    leave = overviewPage(main);
  }
}

const live = h("span", { class: "live", "data-testid": "stream-state" }, "connecting…");
const tokenBtn = h("button", { class: "small", title: "The API token for changes, kept for this tab only" });
function renderToken(): void {
  tokenBtn.textContent = token() ? "forget token" : "set token";
}
tokenBtn.addEventListener("click", () => {
  if (token()) forgetToken(); else askForToken("Changes (writes, observations) need the server's token unless you are on loopback.");
  renderToken();
});
renderToken();
document.getElementById("top")!.append(live, tokenBtn);
onStreamState((open) => {
  live.textContent = open ? "live" : "reconnecting…";
  live.classList.toggle("on", open);
});
subscribe(() => {});  // opens the stream before the first view subscribes

window.addEventListener("hashchange", route);
route();
