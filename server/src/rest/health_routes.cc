// GET /api/health: the service's counters and whether the database answers.

#include "rest_context.h"
#include "server/json_values.h"

namespace lwcl::server::rest {

void AddHealthRoutes(RestContext& ctx) {
  httplib::Server& h = ctx.http;
  Service& service = ctx.service;
  RestReader& reader = ctx.reader;

  // Health: the service's counters and whether the database answers, by a
  // one-row query on the reader's connection (cost independent of the
  // fleet) and by the outcome of the loop's own latest writes.
  h.Get("/api/health", [&service, &reader](const httplib::Request&, httplib::Response& res) {
    const ServiceStats s = service.stats();
    std::string why;
    {
      std::lock_guard lock(reader.mutex);
      store::Result<int> ping = reader.store->SchemaVersion();
      if (!ping.ok()) why = ping.status().message();
    }
    if (why.empty() && !s.store_ok) why = s.store_error;
    json j{{"status", why.empty() ? "ok" : "degraded"},
           {"store_ok", why.empty()},
           {"notifications", s.notifications},
           {"values", s.values},
           {"requests", s.requests},
           {"pending_values", s.pending_values},
           {"pending_events", s.pending_events},
           {"pending_writes", s.pending_writes},
           {"store_errors", s.store_errors}};
    if (!why.empty()) j["store_error"] = why;
    if (!s.last_store_error.empty()) j["last_store_error"] = s.last_store_error;
    Reply(res, why.empty() ? 200 : 503, j);
  });
}

}  // namespace lwcl::server::rest
