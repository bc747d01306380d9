// One EventSource on /api/stream for the whole page; views subscribe and
// unsubscribe as they come and go. The browser reconnects by itself and
// sends Last-Event-ID, so stored events missed meanwhile are replayed
// (notifications are live only: the time series holds their values).
import type { LwEvent } from "./api";

export const EVENT_KINDS = ["registered", "updated", "deregistered", "lost", "request", "notification", "send", "sample_labelled", "refused",
  "model_added", "model_deleted", "rollout"];

type Listener = (e: LwEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(open: boolean) => void>();
let source: EventSource | null = null;

function open(): void {
  source = new EventSource("api/stream");
  for (const kind of EVENT_KINDS) {
    source.addEventListener(kind, (m) => {
      let e: LwEvent;
      try { e = JSON.parse((m as MessageEvent<string>).data) as LwEvent; } catch { return; }
      for (const l of listeners) l(e);
    });
  }
  source.onopen = () => stateListeners.forEach((l) => l(true));
  source.onerror = () => stateListeners.forEach((l) => l(source?.readyState === EventSource.OPEN));
}

export function subscribe(l: Listener): () => void {
  if (!source) open();
  listeners.add(l);
  return () => listeners.delete(l);
}

export function onStreamState(l: (open: boolean) => void): void {
  stateListeners.add(l);
}
