#include "client/registry.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <variant>

namespace lwcl::client {

using lwm2m::CoapCode;
using lwm2m::IsSuccess;

using lwm2m::Link;
using lwm2m::Path;
using lwm2m::Record;

namespace {

bool Contains(const std::vector<uint16_t>& ids, uint16_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

void Registry::Add(Object* object) {
  object->SetChangeListener([this](const Path& p) { Changed(p); });
  objects_[object->id()] = object;
}

void Registry::Add(std::unique_ptr<Object> object) {
  Add(object.get());
  owned_.push_back(std::move(object));
}

Object* Registry::Find(uint16_t object_id) const {
  auto it = objects_.find(object_id);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<uint16_t> Registry::ObjectIds() const {
  std::vector<uint16_t> ids;
  for (const auto& [id, obj] : objects_) ids.push_back(id);
  return ids;
}

lwm2m::TypeResolver Registry::Resolver() const {
  return [this](const Path& p) {
    if (p.depth < 3) return lwm2m::DataType::kNone;
    const Object* o = Find(p.object());
    const ResourceSpec* r = o ? o->FindResource(p.resource()) : nullptr;
    return r ? r->type : lwm2m::DataType::kNone;
  };
}

std::vector<Link> Registry::ObjectList() const {
  std::vector<Link> links;
  if (std::optional<Link> root = formats_.RootLink()) links.push_back(std::move(*root));
  for (const auto& [id, obj] : objects_) {
    if (id == 0) continue;  // Security is never announced
    const std::vector<uint16_t> instances = obj->Instances();
    if (instances.empty()) {
      links.push_back(lwm2m::LinkTo(Path::Object(id)));
    }
    for (uint16_t iid : instances) links.push_back(lwm2m::LinkTo(Path::Instance(id, iid)));
  }
  return links;
}

void Registry::SetChangeListener(std::function<void(const Path&)> listener) { listener_ = std::move(listener); }

void Registry::Changed(const Path& path) const {
  if (listener_) listener_(path);
}

CoapCode Registry::CheckPath(const Path& path, Object** object) const {
  *object = nullptr;
  if (path.depth == 0) return CoapCode::kContent;
  Object* o = Find(path.object());
  if (o == nullptr) return CoapCode::kNotFound;
  *object = o;
  if (path.depth >= 2 && !Contains(o->Instances(), path.instance())) return CoapCode::kNotFound;
  if (path.depth >= 3) {
    const ResourceSpec* spec = o->FindResource(path.resource());
    if (spec == nullptr || !Contains(o->PresentResources(path.instance()), path.resource())) {
      return CoapCode::kNotFound;
    }
    if (path.depth == 4 && !spec->multiple) return CoapCode::kNotFound;
  }
  return CoapCode::kContent;
}

CoapCode Registry::Read(const Path& path, std::vector<Record>* out) const {
  Object* o = nullptr;
  if (path.depth == 0) return CoapCode::kMethodNotAllowed;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) return c;
  if (path.depth >= 3) {
    if (!lwm2m::Readable(o->FindResource(path.resource())->operations)) return CoapCode::kMethodNotAllowed;
    std::vector<Record> recs;
    if (CoapCode c = o->Read(path.instance(), path.resource(), &recs); !IsSuccess(c)) return c;
    bool found = false;
    for (Record& r : recs) {
      if (path.Contains(r.path)) {
        out->push_back(std::move(r));
        found = true;
      }
    }
    if (path.depth == 4 && !found) return CoapCode::kNotFound;
    return CoapCode::kContent;
  }
  const std::vector<uint16_t> instances =
      path.depth == 2 ? std::vector<uint16_t>{path.instance()} : o->Instances();
  for (uint16_t iid : instances) {
    for (uint16_t rid : o->PresentResources(iid)) {
      const ResourceSpec* spec = o->FindResource(rid);
      if (spec == nullptr || !lwm2m::Readable(spec->operations)) continue;
      CoapCode c = o->Read(iid, rid, out);
      if (c == CoapCode::kNotFound) continue;
      if (!IsSuccess(c)) return c;
    }
  }
  return CoapCode::kContent;
}

namespace {

// Checks one record of a Write/Create against the object's specs and types
// it; returns 2.04 when it may be written.
CoapCode PrepareRecord(const Object& o, const Path& target, Record* r) {
  if (!target.Contains(r->path) || r->path.depth < 3) return CoapCode::kBadRequest;
  const ResourceSpec* spec = o.FindResource(r->path.resource());
  if (spec == nullptr) return CoapCode::kNotFound;
  if (!lwm2m::Writable(spec->operations)) return CoapCode::kMethodNotAllowed;
  if (r->path.depth == 4 && !spec->multiple) return CoapCode::kBadRequest;
  if (r->path.depth == 3 && spec->multiple) return CoapCode::kBadRequest;
  std::optional<lwm2m::Value> v = lwm2m::ConvertValue(r->value, spec->type);
  if (!v) return CoapCode::kBadRequest;
  r->value = std::move(*v);
  return CoapCode::kChanged;
}

}  // namespace

CoapCode Registry::WriteOne(Object* object, const Record& record) {
  return object->Write(record.path.instance(), record);
}

CoapCode Registry::Write(const Path& path, std::span<const Record> records, bool replace) {
  if (path.depth < 2) return CoapCode::kMethodNotAllowed;
  Object* o = nullptr;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) {
    // Writing a resource the instance does not have yet is allowed (optional resources).
    if (!(c == CoapCode::kNotFound && path.depth >= 3 && o != nullptr &&
          Contains(o->Instances(), path.instance()) && o->FindResource(path.resource()) != nullptr)) {
      return c;
    }
  }
  if (path.depth >= 3) {
    const ResourceSpec* spec = o->FindResource(path.resource());
    if (!lwm2m::Writable(spec->operations)) return CoapCode::kMethodNotAllowed;
  }
  std::vector<Record> prepared(records.begin(), records.end());
  if (prepared.empty()) return CoapCode::kBadRequest;
  for (Record& r : prepared) {
    if (CoapCode c = PrepareRecord(*o, path, &r); c != CoapCode::kChanged) return c;
  }
  if (replace && path.depth <= 3) {
    std::set<uint16_t> cleared;
    for (const Record& r : prepared) {
      if (r.path.depth == 4 && cleared.insert(r.path.resource()).second) {
        if (CoapCode c = o->ClearMultiple(path.instance(), r.path.resource()); !IsSuccess(c)) return c;
      }
    }
  }
  for (const Record& r : prepared) {
    if (CoapCode c = WriteOne(o, r); !IsSuccess(c)) return c;
  }
  Changed(path);
  return CoapCode::kChanged;
}

CoapCode Registry::ReadComposite(std::span<const Path> paths, std::vector<Record>* out) const {
  if (paths.empty()) return CoapCode::kBadRequest;
  std::vector<Record> records;
  std::set<Path> seen;
  bool any_read = false;
  std::optional<CoapCode> first_skip;
  auto read_one = [&](const Path& p) -> std::optional<CoapCode> {
    std::vector<Record> recs;
    const CoapCode c = Read(p, &recs);
    if (c == CoapCode::kNotFound || c == CoapCode::kMethodNotAllowed) {
      // Skipped, not fatal: a composite read answers with what exists.
      if (!first_skip || (*first_skip != CoapCode::kNotFound && c == CoapCode::kNotFound)) first_skip = c;
      return std::nullopt;
    }
    if (!IsSuccess(c)) return c;
    any_read = true;
    for (Record& r : recs) {
      if (seen.insert(r.path).second) records.push_back(std::move(r));
    }
    return std::nullopt;
  };
  for (const Path& p : paths) {
    if (p.depth == 0) {
      bool any_object = false;
      for (const auto& [id, obj] : objects_) {
        if (id == 0) continue;  // Security is never readable by a server
        any_object = true;
        if (std::optional<CoapCode> c = read_one(Path::Object(id))) return *c;
      }
      if (!any_object && !first_skip) first_skip = CoapCode::kNotFound;
      continue;
    }
    if (std::optional<CoapCode> c = read_one(p)) return *c;
  }
  if (!any_read) return first_skip.value_or(CoapCode::kNotFound);
  out->insert(out->end(), std::make_move_iterator(records.begin()), std::make_move_iterator(records.end()));
  return CoapCode::kContent;
}

CoapCode Registry::WriteComposite(std::span<const Record> records) {
  if (records.empty()) return CoapCode::kBadRequest;
  // Check everything first: a refused Write-Composite must change nothing.
  std::vector<Record> prepared(records.begin(), records.end());
  std::vector<Object*> owners;
  std::set<Path> seen;
  for (Record& r : prepared) {
    if (r.path.depth < 3) return CoapCode::kBadRequest;
    Object* o = Find(r.path.object());
    if (o == nullptr || !Contains(o->Instances(), r.path.instance())) return CoapCode::kNotFound;
    const bool has_value = !std::holds_alternative<std::monostate>(r.value);
    if (CoapCode c = PrepareRecord(*o, Path::Instance(r.path.object(), r.path.instance()), &r);
        c != CoapCode::kChanged) {
      return c;
    }
    // A record without a value would be a deletion, which Write-Composite is not.
    if (!has_value) return CoapCode::kBadRequest;
    // The same value twice has no single meaning. (A resource and one of its
    // instances cannot both pass PrepareRecord.)
    if (!seen.insert(r.path).second) return CoapCode::kBadRequest;
    owners.push_back(o);
  }
  // Old values, so a handler failing mid-way can be undone as far as possible.
  std::vector<std::optional<Record>> old(prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    const Path& p = prepared[i].path;
    std::vector<Record> recs;
    if (!IsSuccess(owners[i]->Read(p.instance(), p.resource(), &recs))) continue;
    for (Record& r : recs) {
      if (r.path == p) old[i] = std::move(r);
    }
  }
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (CoapCode c = WriteOne(owners[i], prepared[i]); !IsSuccess(c)) {
      for (size_t k = i; k-- > 0;) {
        if (old[k]) WriteOne(owners[k], *old[k]);
      }
      return c;
    }
  }
  for (const Path& p : seen) Changed(p);
  return CoapCode::kChanged;
}

CoapCode Registry::Execute(const Path& path, std::string_view args) {
  if (path.depth != 3) return CoapCode::kMethodNotAllowed;
  Object* o = nullptr;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) return c;
  if (!lwm2m::Executable(o->FindResource(path.resource())->operations)) return CoapCode::kMethodNotAllowed;
  return o->Execute(path.instance(), path.resource(), args);
}

CoapCode Registry::Create(const Path& path, std::span<const Record> records, uint16_t* created) {
  if (path.depth != 1) return CoapCode::kMethodNotAllowed;
  Object* o = Find(path.object());
  if (o == nullptr) return CoapCode::kNotFound;
  const std::vector<uint16_t> existing = o->Instances();
  if (!o->multiple_instances() && !existing.empty()) return CoapCode::kBadRequest;
  std::optional<uint16_t> iid;
  for (const Record& r : records) {
    if (r.path.depth < 2) return CoapCode::kBadRequest;
    if (iid && *iid != r.path.instance()) return CoapCode::kBadRequest;
    iid = r.path.instance();
  }
  if (!iid) {
    uint16_t free_id = 0;
    while (Contains(existing, free_id)) ++free_id;
    iid = free_id;
  }
  if (Contains(existing, *iid) || *iid == lwm2m::kInvalidId) return CoapCode::kBadRequest;
  std::vector<Record> prepared;
  for (const Record& r : records) {
    if (r.path.depth < 3) continue;  // an empty instance
    prepared.push_back(r);
    if (CoapCode c = PrepareRecord(*o, Path::Instance(path.object(), *iid), &prepared.back());
        c != CoapCode::kChanged) {
      return c;
    }
  }
  if (CoapCode c = o->Create(*iid); !IsSuccess(c)) return c;
  for (const Record& r : prepared) {
    if (CoapCode c = WriteOne(o, r); !IsSuccess(c)) {
      o->Delete(*iid);
      return c;
    }
  }
  if (created) *created = *iid;
  Changed(path);
  return CoapCode::kCreated;
}

CoapCode Registry::Delete(const Path& path) {
  if (path.depth != 2) return CoapCode::kMethodNotAllowed;
  Object* o = nullptr;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) return c;
  if (CoapCode c = o->Delete(path.instance()); !IsSuccess(c)) return c;
  // Attributes die with the instance.
  std::erase_if(attributes_, [&](const auto& kv) { return path.Contains(kv.first); });
  Changed(path);
  return CoapCode::kDeleted;
}

const lwm2m::NotificationAttributes* Registry::AttributesAt(const Path& path) const {
  auto it = attributes_.find(path);
  return it == attributes_.end() ? nullptr : &it->second;
}

lwm2m::NotificationAttributes Registry::EffectiveAttributes(const Path& path, std::optional<int64_t> default_pmin,
                                                            std::optional<int64_t> default_pmax) const {
  std::vector<const lwm2m::NotificationAttributes*> levels;
  for (uint8_t d = 1; d <= path.depth; ++d) levels.push_back(AttributesAt(path.Prefix(d)));
  return lwm2m::MergeAttributes(levels, default_pmin, default_pmax);
}

CoapCode Registry::Discover(const Path& path, std::vector<Link>* out) const {
  if (path.depth == 0) return CoapCode::kMethodNotAllowed;
  Object* o = nullptr;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) return c;
  auto link_for = [&](const Path& p) {
    Link l = lwm2m::LinkTo(p);
    if (p.depth == 3) {
      const ResourceSpec* spec = o->FindResource(p.resource());
      if (spec->multiple && lwm2m::Readable(spec->operations)) {
        std::vector<Record> recs;
        if (IsSuccess(o->Read(p.instance(), p.resource(), &recs))) {
          l.attributes.push_back(lwm2m::LinkAttribute{"dim", std::to_string(recs.size()), false});
        }
      }
    }
    if (const lwm2m::NotificationAttributes* a = AttributesAt(p)) {
      for (lwm2m::LinkAttribute& la : lwm2m::ToLinkAttributes(*a)) l.attributes.push_back(std::move(la));
    }
    return l;
  };
  out->push_back(link_for(path));
  if (path.depth == 3) return CoapCode::kContent;
  const std::vector<uint16_t> instances =
      path.depth == 2 ? std::vector<uint16_t>{path.instance()} : o->Instances();
  for (uint16_t iid : instances) {
    if (path.depth == 1) out->push_back(link_for(Path::Instance(path.object(), iid)));
    for (uint16_t rid : o->PresentResources(iid)) {
      if (o->FindResource(rid) != nullptr) out->push_back(link_for(Path::Resource(path.object(), iid, rid)));
    }
  }
  return CoapCode::kContent;
}

CoapCode Registry::WriteAttributes(const Path& path, std::span<const std::string> queries) {
  if (path.depth == 0) return CoapCode::kMethodNotAllowed;
  Object* o = nullptr;
  if (CoapCode c = CheckPath(path, &o); c != CoapCode::kContent) return c;
  lwm2m::NotificationAttributes attrs;
  if (const lwm2m::NotificationAttributes* cur = AttributesAt(path)) attrs = *cur;
  if (lwm2m::ApplyAttributeQueries(queries, &attrs)) return CoapCode::kBadRequest;
  if (lwm2m::ValidateAttributes(attrs)) return CoapCode::kBadRequest;
  if (attrs.Empty()) {
    attributes_.erase(path);
  } else {
    attributes_[path] = attrs;
  }
  Changed(path);
  return CoapCode::kChanged;
}

}  // namespace lwcl::client
