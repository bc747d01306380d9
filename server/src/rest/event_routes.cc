// GET /api/events (stored, filtered) and /api/stream (server-sent events,
// resumable by Last-Event-ID).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddEventRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  Service& service = ctx.service;
  RestReader& reader = ctx.reader;

  h.Get("/api/events", [&reader](const httplib::Request& req, httplib::Response& res) {
    store::EventQuery q;
    q.after_id = IntParam(req, "after", 0);
    q.from_ms = IntParam(req, "from", 0);
    q.to_ms = IntParam(req, "to", std::numeric_limits<int64_t>::max());
    q.limit = IntParam(req, "limit", 1000);
    if (req.has_param("endpoint")) q.endpoint = req.get_param_value("endpoint");
    std::lock_guard lock(reader.mutex);
    store::Result<std::vector<store::Event>> events = reader.store->QueryEvents(q);
    if (!events.ok()) return Fail(res, 503, events.status().message());
    json out = json::array();
    for (const store::Event& e : *events) out.push_back(EventToJson(e));
    Reply(res, 200, out);
  });

  // Live events as server-sent events; Last-Event-ID (or ?after=) resumes.
  h.Get("/api/stream", [&service, &reader](const httplib::Request& req, httplib::Response& res) {
    struct Channel {
      std::mutex mutex;
      std::condition_variable cv;
      std::deque<store::Event> queue;
    };
    auto channel = std::make_shared<Channel>();
    int64_t after = IntParam(req, "after", -1);
    if (req.has_header("Last-Event-ID")) after = std::atoll(req.get_header_value("Last-Event-ID").c_str());
    // Listen first, then replay: an event stored while the replay is read
    // arrives live, and one in both is sent once (by its id).
    const uint64_t handle = service.Subscribe([channel](const store::Event& e) {
      std::lock_guard lock(channel->mutex);
      if (channel->queue.size() < 10000) channel->queue.push_back(e);  // a stalled reader loses the oldest... never blocks CoAP
      channel->cv.notify_one();
    });
    if (after >= 0) {
      store::EventQuery q;
      q.after_id = after;
      std::vector<store::Event> missed;
      {
        std::lock_guard lock(reader.mutex);
        if (auto found = reader.store->QueryEvents(q); found.ok()) missed = std::move(*found);
      }
      int64_t last = after;
      for (const store::Event& e : missed) last = std::max(last, e.id);
      std::lock_guard lock(channel->mutex);
      std::deque<store::Event> live;
      live.swap(channel->queue);
      for (store::Event& e : missed) channel->queue.push_back(std::move(e));
      for (store::Event& e : live) {
        if (e.id <= 0 || e.id > last) channel->queue.push_back(std::move(e));
      }
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [channel](size_t, httplib::DataSink& sink) {
          std::unique_lock lock(channel->mutex);
          channel->cv.wait_for(lock, std::chrono::seconds(1), [&] { return !channel->queue.empty(); });
          std::string out;
          while (!channel->queue.empty()) {
            const store::Event e = std::move(channel->queue.front());
            channel->queue.pop_front();
            if (e.id > 0) out += "id: " + std::to_string(e.id) + "\n";
            out += "event: " + e.kind + "\ndata: " + EventToJson(e).dump() + "\n\n";
          }
          lock.unlock();
          if (out.empty()) out = ": keep-alive\n\n";
          return sink.write(out.data(), out.size());
        },
        [&service, handle](bool) { service.Unsubscribe(handle); });
  });
}

}  // namespace lwcl::server::rest
