// The dashboard's entry: takes a token from the URL fragment, routes
// "#/" to the fleet overview, "#/device/<endpoint>" to a device page,
// "#/models" to the model registry, "#/rollouts" and "#/rollout/<id>" to
// the rollouts; marks the top bar's link of the current section.
import "./style.css";
import { devicePage } from "./device";
import { h } from "./dom";
import { modelsPage } from "./models";
import { overviewPage } from "./overview";
import { rolloutPage, rolloutsPage } from "./rollouts";
import { onStreamState, subscribe } from "./stream";
import { askForToken, forgetToken, takeTokenFromFragment, token } from "./token";

const main = document.getElementById("app")!;
let leave: (() => void) | null = null;

function route(): void {
  takeTokenFromFragment();
  renderToken();
  leave?.();
  main.replaceChildren();
  const hash = location.hash;
  const device = hash.match(/^#\/device\/([^&?]+)/);
  const rollout = hash.match(/^#\/rollout\/(\d+)/);
  let section = "fleet";
  if (device) {
    const ep = decodeURIComponent(device[1]);
    document.title = `${ep} · LwCL`;
    leave = devicePage(main, ep);
  } else if (/^#\/models\b/.test(hash)) {
    section = "models";
    document.title = "Models · LwCL";
    leave = modelsPage(main);
  } else if (rollout) {
    section = "rollouts";
    document.title = `Rollout ${rollout[1]} · LwCL`;
    leave = rolloutPage(main, Number(rollout[1]));
  } else if (/^#\/rollouts\b/.test(hash)) {
    section = "rollouts";
    document.title = "Rollouts · LwCL";
    leave = rolloutsPage(main);
  } else {
    document.title = "Fleet · LwCL";
    leave = overviewPage(main);
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#nav a")) {
    a.classList.toggle("current", a.dataset.route === section);
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
