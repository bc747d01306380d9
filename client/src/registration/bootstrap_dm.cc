#include "client/bootstrap_dm.h"

#include <algorithm>
#include <map>
#include <set>

#include "client/security_object.h"

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;
using lwm2m::CoapCodeText;

using lwm2m::ContentFormat;
using lwm2m::Link;
using lwm2m::LinkAttribute;
using lwm2m::Path;
using lwm2m::Record;

namespace {

DmResponse Reply(CoapCode c, std::string_view diagnostic = {}) {
  DmResponse r;
  r.code = c;
  if (!diagnostic.empty()) {
    r.content_format = static_cast<uint16_t>(ContentFormat::kPlainText);
    r.payload.assign(diagnostic.begin(), diagnostic.end());
  }
  return r;
}

bool Contains(const std::vector<uint16_t>& ids, uint16_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The Short Server ID /1/iid/0 of a Server instance, if it has one.
std::optional<int64_t> ServerSsid(Object* server, uint16_t iid) {
  std::vector<Record> recs;
  if (!IsSuccess(server->Read(iid, 0, &recs)) || recs.empty()) return std::nullopt;
  std::optional<lwm2m::Value> v = lwm2m::ConvertValue(recs[0].value, lwm2m::DataType::kInteger);
  if (!v) return std::nullopt;
  return std::get<int64_t>(*v);
}

// --- Bootstrap-Write ---

DmResponse BootstrapWrite(Registry& registry, const Path& path, const DmRequest& req) {
  if (path.depth == 0) return Reply(CoapCode::kBadRequest, "Bootstrap-Write needs an object id");
  Object* o = registry.Find(path.object());
  if (o == nullptr) return Reply(CoapCode::kBadRequest, "object " + std::to_string(path.object()) + " not supported");
  if (!req.content_format) return Reply(CoapCode::kBadRequest, "no Content-Format");
  if (!registry.content_formats().Supports(*req.content_format)) return Reply(CoapCode::kUnsupportedContentFormat);
  std::vector<Record> records;
  if (std::optional<lwm2m::CodecError> e = lwm2m::Decode(*lwm2m::ContentFormatFromNumber(*req.content_format),
                                                         req.payload, path, registry.Resolver(), &records)) {
    return Reply(CoapCode::kBadRequest, e->message);
  }

  // Check and type everything before touching the object, so a refused
  // write changes nothing.
  std::set<uint16_t> instances;
  if (path.depth >= 2) instances.insert(path.instance());
  std::vector<Record> prepared;
  std::set<std::pair<uint16_t, uint16_t>> cleared;  // (iid, rid) of multiple resources to replace
  for (const Record& r : records) {
    if (!path.Contains(r.path)) return Reply(CoapCode::kBadRequest, r.path.ToString() + " is outside the target");
    if (r.path.depth < 2) return Reply(CoapCode::kBadRequest, "records must name their instance");
    if (r.path.instance() == lwm2m::kInvalidId) return Reply(CoapCode::kBadRequest, "invalid instance id");
    instances.insert(r.path.instance());
    if (r.path.depth == 2) continue;  // an empty instance
    const ResourceSpec* spec = o->FindResource(r.path.resource());
    if (spec == nullptr) continue;  // optional resources we do not know are skipped (Core 6.1.7.4)
    if (r.path.depth == 4 && !spec->multiple) {
      return Reply(CoapCode::kBadRequest, r.path.ToString() + ": resource is not multiple");
    }
    if (spec->multiple) cleared.insert({r.path.instance(), r.path.resource()});
    if (r.path.depth == 3 && spec->multiple) {
      // A multiple resource with no instances (TLV can say so): just cleared.
      if (!std::holds_alternative<std::monostate>(r.value)) {
        return Reply(CoapCode::kBadRequest, r.path.ToString() + ": multiple resource needs instances");
      }
      continue;
    }
    std::optional<lwm2m::Value> v = lwm2m::ConvertValue(r.value, spec->type);
    if (!v) {
      return Reply(CoapCode::kBadRequest,
                   r.path.ToString() + ": not a " + std::string(lwm2m::DataTypeName(spec->type)));
    }
    prepared.push_back(Record{r.path, std::move(*v), std::nullopt});
  }
  if (instances.empty()) return Reply(CoapCode::kBadRequest, "no instance to write");
  const std::vector<uint16_t> existing = o->Instances();
  if (!o->multiple_instances()) {
    std::set<uint16_t> all(existing.begin(), existing.end());
    all.insert(instances.begin(), instances.end());
    if (all.size() > 1) {
      return Reply(CoapCode::kBadRequest, "object " + std::to_string(o->id()) + " is single-instance");
    }
  }

  for (uint16_t iid : instances) {
    if (Contains(existing, iid)) continue;
    if (CoapCode c = o->Create(iid); !IsSuccess(c)) {
      return Reply(CoapCode::kBadRequest, "cannot create " + Path::Instance(o->id(), iid).ToString());
    }
  }
  for (const auto& [iid, rid] : cleared) {
    if (CoapCode c = o->ClearMultiple(iid, rid); !IsSuccess(c)) return Reply(c);
  }
  for (const Record& r : prepared) {
    if (CoapCode c = o->Write(r.path.instance(), r); !IsSuccess(c)) return Reply(c);
  }
  o->MarkChanged(path);
  return Reply(CoapCode::kChanged);
}

// --- Bootstrap-Discover ---

DmResponse BootstrapDiscover(const Registry& registry, const Path& path) {
  if (path.depth > 1) return Reply(CoapCode::kBadRequest, "Bootstrap-Discover targets / or an object");
  if (path.depth == 1 && registry.Find(path.object()) == nullptr) return Reply(CoapCode::kNotFound);
  std::vector<Link> links;
  Link root = lwm2m::LinkTo(Path::Root());
  root.attributes.push_back(LinkAttribute{"lwm2m", "1.1", false});
  links.push_back(std::move(root));

  std::map<uint16_t, ServerAccount> accounts;
  for (ServerAccount& a : ServerAccounts(registry)) accounts.emplace(a.instance, std::move(a));

  const std::vector<uint16_t> ids = path.depth == 1 ? std::vector<uint16_t>{path.object()} : registry.ObjectIds();
  for (uint16_t oid : ids) {
    Object* o = registry.Find(oid);
    const std::vector<uint16_t> instances = o->Instances();
    if (instances.empty()) links.push_back(lwm2m::LinkTo(Path::Object(oid)));
    for (uint16_t iid : instances) {
      Link l = lwm2m::LinkTo(Path::Instance(oid, iid));
      if (oid == 0) {
        auto it = accounts.find(iid);
        // The Bootstrap-Server's account has no Short Server ID, so no attributes (Core 6.1.7.2).
        if (it != accounts.end() && !it->second.bootstrap) {
          if (it->second.short_server_id != 0) {
            l.attributes.push_back(LinkAttribute{"ssid", std::to_string(it->second.short_server_id), false});
          }
          if (!it->second.uri.empty()) l.attributes.push_back(LinkAttribute{"uri", it->second.uri, true});
        }
      } else if (oid == 1) {
        if (std::optional<int64_t> ssid = ServerSsid(o, iid)) {
          l.attributes.push_back(LinkAttribute{"ssid", std::to_string(*ssid), false});
        }
      }
      links.push_back(std::move(l));
    }
  }
  DmResponse r;
  r.code = CoapCode::kContent;
  r.content_format = static_cast<uint16_t>(ContentFormat::kCoreLinkFormat);
  const std::string text = lwm2m::FormatLinkFormat(links);
  r.payload.assign(text.begin(), text.end());
  return r;
}

// --- Bootstrap-Read ---

DmResponse BootstrapRead(const Registry& registry, const Path& path, std::optional<uint16_t> accept) {
  // Only the Server and Access Control objects may be read (Core 6.1.7.3).
  if (path.depth < 1 || path.depth > 2 || (path.object() != 1 && path.object() != 2)) {
    return Reply(CoapCode::kMethodNotAllowed, "Bootstrap-Read targets /1 or /2 only");
  }
  return ReadAndEncode(registry, path, accept);
}

// --- Bootstrap-Delete ---

// The Bootstrap-Server's Security instance and the Device instance survive
// every Bootstrap-Delete (Core 6.1.7.6).
bool Protected(const Registry& registry, const Path& instance) {
  if (instance.object() == 3) return true;
  if (instance.object() != 0) return false;
  for (const ServerAccount& a : ServerAccounts(registry)) {
    if (a.instance == instance.instance()) return a.bootstrap;
  }
  return false;
}

DmResponse BootstrapDelete(Registry& registry, const Path& path) {
  if (path.depth > 2) return Reply(CoapCode::kBadRequest, "Bootstrap-Delete targets /, an object or an instance");
  if (path.depth == 2) {
    Object* o = registry.Find(path.object());
    if (o == nullptr || !Contains(o->Instances(), path.instance())) {
      return Reply(CoapCode::kBadRequest, path.ToString() + " does not exist");
    }
    if (Protected(registry, path)) return Reply(CoapCode::kBadRequest, path.ToString() + " cannot be deleted");
    if (CoapCode c = registry.Delete(path); !IsSuccess(c)) {
      return Reply(CoapCode::kBadRequest, path.ToString() + ": " + CoapCodeText(c));
    }
    return Reply(CoapCode::kDeleted);
  }
  if (path.depth == 1 && registry.Find(path.object()) == nullptr) {
    return Reply(CoapCode::kBadRequest, "object " + std::to_string(path.object()) + " not supported");
  }
  const std::vector<uint16_t> ids = path.depth == 1 ? std::vector<uint16_t>{path.object()} : registry.ObjectIds();
  for (uint16_t oid : ids) {
    for (uint16_t iid : registry.Find(oid)->Instances()) {
      const Path p = Path::Instance(oid, iid);
      if (Protected(registry, p)) continue;
      // Best effort: an object that cannot delete instances keeps them.
      registry.Delete(p);
    }
  }
  return Reply(CoapCode::kDeleted);
}

}  // namespace

std::optional<std::string> CheckBootstrapConsistency(const Registry& registry) {
  const std::vector<ServerAccount> accounts = ServerAccounts(registry);
  std::set<int64_t> server_ssids;
  if (Object* server = registry.Find(1)) {
    for (uint16_t iid : server->Instances()) {
      if (std::optional<int64_t> ssid = ServerSsid(server, iid)) server_ssids.insert(*ssid);
    }
  }
  int bootstrap_accounts = 0;
  std::set<uint16_t> seen;
  bool usable = false;
  for (const ServerAccount& a : accounts) {
    if (a.bootstrap) {
      ++bootstrap_accounts;
      continue;
    }
    if (a.short_server_id != 0 && !seen.insert(a.short_server_id).second) {
      return "Short Server ID " + std::to_string(a.short_server_id) + " is on two Security instances";
    }
    if (a.short_server_id != 0 && server_ssids.count(a.short_server_id) != 0 && ParseCoapUri(a.uri)) usable = true;
  }
  if (bootstrap_accounts > 1) return "more than one Bootstrap-Server account";
  if (!usable) {
    return "no LwM2M Server account: need a Security instance (not bootstrap) with a coap:// or coaps:// URI and a "
           "Short Server ID that a Server /1 instance has too";
  }
  return std::nullopt;
}

DmResponse HandleBootstrapRequest(Registry& registry, const DmRequest& req, bool* finished) {
  if (finished) *finished = false;
  if (req.uri_path.size() == 1 && req.uri_path[0] == "bs") {
    if (req.method != CoapMethod::kPost) return Reply(CoapCode::kMethodNotAllowed);
    if (std::optional<std::string> problem = CheckBootstrapConsistency(registry)) {
      return Reply(CoapCode::kNotAcceptable, *problem);
    }
    if (finished) *finished = true;
    return Reply(CoapCode::kChanged);
  }
  const std::optional<Path> parsed = PathFromSegments(req.uri_path);
  switch (req.method) {
    case CoapMethod::kGet:
      if (!parsed) return Reply(CoapCode::kNotFound);
      if (req.accept && *req.accept == static_cast<uint16_t>(ContentFormat::kCoreLinkFormat)) {
        return BootstrapDiscover(registry, *parsed);
      }
      return BootstrapRead(registry, *parsed, req.accept);
    case CoapMethod::kPut:
      if (!parsed) return Reply(CoapCode::kBadRequest, "not an LwM2M path");
      return BootstrapWrite(registry, *parsed, req);
    case CoapMethod::kDelete:
      if (!parsed) return Reply(CoapCode::kBadRequest, "not an LwM2M path");
      return BootstrapDelete(registry, *parsed);
    default:
      return Reply(CoapCode::kMethodNotAllowed);
  }
}

}  // namespace lwcl::client
