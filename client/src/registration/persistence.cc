#include "client/persistence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "lwm2m/cbor.h"

namespace lwcl::client {

using lwm2m::IsSuccess;

using lwm2m::NotificationAttributes;
using lwm2m::Path;
using lwm2m::Record;
using lwm2m::Value;
namespace cbor = lwm2m::cbor;

namespace {

constexpr uint8_t kMagic[4] = {'L', 'W', 'C', 'S'};
constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 4 + 1 + 4;
constexpr size_t kTrailerSize = 4;
// A state file is a few kilobytes; anything this large is not one of ours.
constexpr size_t kMaxFileSize = 16u << 20;
// The objects whose instances are saved.
constexpr uint16_t kSavedObjects[] = {0, 1};

struct SavedInstance {
  uint16_t object = 0;
  uint16_t instance = 0;
  std::vector<Record> records;  // depth 3 or 4
};

struct State {
  std::vector<SavedInstance> instances;
  std::map<Path, NotificationAttributes> attributes;
};

uint32_t Crc32(std::span<const uint8_t> data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutU32(uint32_t v, std::vector<uint8_t>* out) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<uint8_t>((v >> s) & 0xFF));
}

uint32_t GetU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::vector<SavedInstance> CollectInstances(const Registry& registry) {
  std::vector<SavedInstance> out;
  for (uint16_t oid : kSavedObjects) {
    Object* o = registry.Find(oid);
    if (o == nullptr) continue;
    for (uint16_t iid : o->Instances()) {
      SavedInstance si{oid, iid, {}};
      for (uint16_t rid : o->PresentResources(iid)) {
        const ResourceSpec* spec = o->FindResource(rid);
        if (spec == nullptr || lwm2m::Executable(spec->operations)) continue;
        std::vector<Record> recs;
        if (!IsSuccess(o->Read(iid, rid, &recs))) continue;
        for (Record& r : recs) {
          if (r.path.depth >= 3) si.records.push_back(std::move(r));
        }
      }
      out.push_back(std::move(si));
    }
  }
  return out;
}

// --- encoding ---

void WriteValue(const Value& v, cbor::Writer* w) {
  w->ArrayHeader(2);
  w->Uint(v.index());
  auto bytes_of = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  switch (lwm2m::TypeOf(v)) {
    case lwm2m::DataType::kNone: w->Null(); break;
    // Strings as byte strings: the CBOR reader insists on UTF-8 for text, and
    // an application may have set anything.
    case lwm2m::DataType::kString: w->Bytes(bytes_of(std::get<std::string>(v))); break;
    case lwm2m::DataType::kInteger: w->Int(std::get<int64_t>(v)); break;
    case lwm2m::DataType::kUnsignedInteger: w->Uint(std::get<uint64_t>(v)); break;
    case lwm2m::DataType::kFloat: w->Double(std::get<double>(v)); break;
    case lwm2m::DataType::kBoolean: w->Bool(std::get<bool>(v)); break;
    case lwm2m::DataType::kOpaque: w->Bytes(std::get<lwm2m::Opaque>(v)); break;
    case lwm2m::DataType::kTime: w->Int(std::get<lwm2m::Time>(v).seconds); break;
    case lwm2m::DataType::kObjlnk:
      w->ArrayHeader(2);
      w->Uint(std::get<lwm2m::Objlnk>(v).object_id);
      w->Uint(std::get<lwm2m::Objlnk>(v).instance_id);
      break;
    case lwm2m::DataType::kCoreLnk: w->Bytes(bytes_of(std::get<lwm2m::CoreLnk>(v).text)); break;
  }
}

void WriteOptionalInt(const std::optional<int64_t>& v, cbor::Writer* w) {
  if (v) {
    w->Int(*v);
  } else {
    w->Null();
  }
}

void WriteOptionalDouble(const std::optional<double>& v, cbor::Writer* w) {
  if (v) {
    w->Double(*v);
  } else {
    w->Null();
  }
}

std::vector<uint8_t> EncodeBody(const std::vector<SavedInstance>& instances,
                                const std::map<Path, NotificationAttributes>& attributes) {
  std::vector<uint8_t> body;
  cbor::Writer w(&body);
  w.ArrayHeader(2);
  w.ArrayHeader(instances.size());
  for (const SavedInstance& si : instances) {
    w.ArrayHeader(3);
    w.Uint(si.object);
    w.Uint(si.instance);
    w.ArrayHeader(si.records.size());
    for (const Record& r : si.records) {
      w.ArrayHeader(3);
      w.Uint(r.path.resource());
      if (r.path.depth == 4) {
        w.Uint(r.path.resource_instance());
      } else {
        w.Null();
      }
      WriteValue(r.value, &w);
    }
  }
  w.ArrayHeader(attributes.size());
  for (const auto& [path, a] : attributes) {
    w.ArrayHeader(8);
    w.ArrayHeader(path.depth);
    for (uint8_t d = 0; d < path.depth; ++d) w.Uint(path.ids[d]);
    WriteOptionalInt(a.pmin, &w);
    WriteOptionalInt(a.pmax, &w);
    WriteOptionalDouble(a.gt, &w);
    WriteOptionalDouble(a.lt, &w);
    WriteOptionalDouble(a.st, &w);
    WriteOptionalInt(a.epmin, &w);
    WriteOptionalInt(a.epmax, &w);
  }
  return body;
}

// --- decoding ---

using Item = cbor::Item;
using Kind = cbor::Item::Kind;

bool IsArray(const Item& i, size_t n) { return i.kind == Kind::kArray && i.children.size() == n; }

std::optional<uint16_t> AsId(const Item& i) {
  std::optional<uint64_t> v = i.AsUint();
  if (!v || *v >= lwm2m::kInvalidId) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

bool ReadValue(const Item& item, Value* out) {
  if (!IsArray(item, 2)) return false;
  const std::optional<uint64_t> type = item.children[0].AsUint();
  const Item& v = item.children[1];
  if (!type) return false;
  auto text_of = [](const Item& b) { return std::string(b.bytes.begin(), b.bytes.end()); };
  switch (*type) {
    case 0: if (v.kind != Kind::kNull) return false; *out = std::monostate{}; return true;
    case 1: if (v.kind != Kind::kBytes) return false; *out = text_of(v); return true;
    case 2: { auto i = v.AsInt(); if (!i) return false; *out = *i; return true; }
    case 3: { auto u = v.AsUint(); if (!u) return false; *out = *u; return true; }
    case 4: if (v.kind != Kind::kFloat) return false; *out = v.real; return true;
    case 5:
      if (v.kind != Kind::kTrue && v.kind != Kind::kFalse) return false;
      *out = v.kind == Kind::kTrue;
      return true;
    case 6: if (v.kind != Kind::kBytes) return false; *out = v.bytes; return true;
    case 7: { auto i = v.AsInt(); if (!i) return false; *out = lwm2m::Time{*i}; return true; }
    case 8: {
      if (!IsArray(v, 2)) return false;
      auto o = v.children[0].AsUint(), i = v.children[1].AsUint();
      if (!o || !i || *o > 0xFFFF || *i > 0xFFFF) return false;
      *out = lwm2m::Objlnk{static_cast<uint16_t>(*o), static_cast<uint16_t>(*i)};
      return true;
    }
    case 9: if (v.kind != Kind::kBytes) return false; *out = lwm2m::CoreLnk{text_of(v)}; return true;
    default: return false;
  }
}

bool ReadOptionalInt(const Item& i, std::optional<int64_t>* out) {
  if (i.kind == Kind::kNull) return true;
  *out = i.AsInt();
  return out->has_value();
}

bool ReadOptionalDouble(const Item& i, std::optional<double>* out) {
  if (i.kind == Kind::kNull) return true;
  if (i.kind != Kind::kFloat) return false;
  *out = i.real;
  return true;
}

std::optional<std::string> DecodeBody(std::span<const uint8_t> body, State* state) {
  Item root;
  if (std::optional<lwm2m::CodecError> e = cbor::Parse(body, &root)) return "bad CBOR body: " + e->message;
  if (!IsArray(root, 2) || root.children[0].kind != Kind::kArray || root.children[1].kind != Kind::kArray) {
    return std::string("body is not [instances, attributes]");
  }
  for (const Item& inst : root.children[0].children) {
    if (!IsArray(inst, 3) || inst.children[2].kind != Kind::kArray) return std::string("malformed instance entry");
    std::optional<uint16_t> oid = AsId(inst.children[0]), iid = AsId(inst.children[1]);
    if (!oid || !iid) return std::string("malformed instance id");
    SavedInstance si{*oid, *iid, {}};
    for (const Item& rec : inst.children[2].children) {
      if (!IsArray(rec, 3)) return std::string("malformed resource entry");
      std::optional<uint16_t> rid = AsId(rec.children[0]);
      if (!rid) return std::string("malformed resource id");
      Record r;
      if (rec.children[1].kind == Kind::kNull) {
        r.path = Path::Resource(*oid, *iid, *rid);
      } else if (std::optional<uint16_t> riid = AsId(rec.children[1])) {
        r.path = Path::ResourceInstance(*oid, *iid, *rid, *riid);
      } else {
        return std::string("malformed resource instance id");
      }
      if (!ReadValue(rec.children[2], &r.value)) return "malformed value of " + r.path.ToString();
      si.records.push_back(std::move(r));
    }
    state->instances.push_back(std::move(si));
  }
  for (const Item& at : root.children[1].children) {
    if (!IsArray(at, 8) || at.children[0].kind != Kind::kArray) return std::string("malformed attribute entry");
    const std::vector<Item>& ids = at.children[0].children;
    if (ids.empty() || ids.size() > 4) return std::string("malformed attribute path");
    Path p;
    for (const Item& id : ids) {
      std::optional<uint16_t> v = AsId(id);
      if (!v) return std::string("malformed attribute path");
      p = p.Child(*v);
    }
    NotificationAttributes a;
    if (!ReadOptionalInt(at.children[1], &a.pmin) || !ReadOptionalInt(at.children[2], &a.pmax) ||
        !ReadOptionalDouble(at.children[3], &a.gt) || !ReadOptionalDouble(at.children[4], &a.lt) ||
        !ReadOptionalDouble(at.children[5], &a.st) || !ReadOptionalInt(at.children[6], &a.epmin) ||
        !ReadOptionalInt(at.children[7], &a.epmax)) {
      return "malformed attributes of " + p.ToString();
    }
    if (!state->attributes.emplace(p, a).second) return "attributes of " + p.ToString() + " saved twice";
  }
  return std::nullopt;
}

// Checks the decoded instances against the registry's objects, so applying
// them can only fail in an object's own handler.
std::optional<std::string> CheckAgainst(const Registry& registry, const State& state) {
  std::set<std::pair<uint16_t, uint16_t>> seen;
  std::map<uint16_t, int> count;
  for (const SavedInstance& si : state.instances) {
    const std::string where = Path::Instance(si.object, si.instance).ToString();
    if (std::find(std::begin(kSavedObjects), std::end(kSavedObjects), si.object) == std::end(kSavedObjects)) {
      return where + ": object " + std::to_string(si.object) + " is not one that is saved";
    }
    Object* o = registry.Find(si.object);
    if (o == nullptr) return where + ": object " + std::to_string(si.object) + " is not registered";
    if (!seen.insert({si.object, si.instance}).second) return where + " saved twice";
    if (++count[si.object] > 1 && !o->multiple_instances()) {
      return "object " + std::to_string(si.object) + " is single-instance";
    }
    for (const Record& r : si.records) {
      const ResourceSpec* spec = o->FindResource(r.path.resource());
      if (spec == nullptr) return r.path.ToString() + ": resource not declared by the object";
      if (spec->multiple != (r.path.depth == 4)) return r.path.ToString() + ": multiple/single mismatch";
      if (!lwm2m::ConvertValue(r.value, spec->type)) {
        return r.path.ToString() + ": saved value is not a " + std::string(lwm2m::DataTypeName(spec->type));
      }
    }
  }
  return std::nullopt;
}

// Creates and fills instances through the Object API (read-only resources included).
bool CreateInstances(Registry& registry, const std::vector<SavedInstance>& instances) {
  for (const SavedInstance& si : instances) {
    Object* o = registry.Find(si.object);
    if (o == nullptr || !IsSuccess(o->Create(si.instance))) return false;
    for (const Record& r : si.records) {
      Record typed = r;
      const ResourceSpec* spec = o->FindResource(r.path.resource());
      if (spec != nullptr) {
        if (std::optional<Value> v = lwm2m::ConvertValue(r.value, spec->type)) typed.value = std::move(*v);
      }
      if (!IsSuccess(o->Write(si.instance, typed))) return false;
    }
  }
  return true;
}

void DropSavedObjects(Registry& registry) {
  for (uint16_t oid : kSavedObjects) {
    if (Object* o = registry.Find(oid)) {
      for (uint16_t iid : o->Instances()) o->Delete(iid);
    }
  }
}

bool Fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

}  // namespace

std::vector<uint8_t> EncodeClientState(const Registry& registry) {
  const std::vector<uint8_t> body = EncodeBody(CollectInstances(registry), registry.AllAttributes());
  std::vector<uint8_t> out(std::begin(kMagic), std::end(kMagic));
  out.push_back(kVersion);
  PutU32(static_cast<uint32_t>(body.size()), &out);
  out.insert(out.end(), body.begin(), body.end());
  PutU32(Crc32(out), &out);
  return out;
}

bool RestoreClientState(Registry& registry, std::span<const uint8_t> bytes, std::string* error) {
  if (bytes.size() < kHeaderSize + kTrailerSize) {
    return Fail(error, "state file truncated: " + std::to_string(bytes.size()) + " bytes");
  }
  if (!std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin())) {
    return Fail(error, "not a client state file (bad magic)");
  }
  const size_t body_size = GetU32(bytes.data() + 5);
  if (body_size != bytes.size() - kHeaderSize - kTrailerSize) {
    return Fail(error, "state file truncated or padded: header says " + std::to_string(body_size) +
                           " body bytes, file has " + std::to_string(bytes.size() - kHeaderSize - kTrailerSize));
  }
  const size_t crc_at = bytes.size() - kTrailerSize;
  if (Crc32(bytes.first(crc_at)) != GetU32(bytes.data() + crc_at)) {
    return Fail(error, "state file corrupt (checksum mismatch)");
  }
  if (bytes[4] != kVersion) {
    return Fail(error, "state file version " + std::to_string(bytes[4]) + " not supported (want " +
                           std::to_string(kVersion) + ")");
  }
  State state;
  if (std::optional<std::string> e = DecodeBody(bytes.subspan(kHeaderSize, body_size), &state)) {
    return Fail(error, "state file corrupt: " + *e);
  }
  if (std::optional<std::string> e = CheckAgainst(registry, state)) {
    return Fail(error, "state file does not fit the registry: " + *e);
  }

  // Apply; on a handler failure put back exactly what was there.
  const std::vector<SavedInstance> before = CollectInstances(registry);
  const std::map<Path, NotificationAttributes> attributes_before = registry.AllAttributes();
  bool ok = true;
  for (uint16_t oid : kSavedObjects) {
    Object* o = registry.Find(oid);
    if (o == nullptr) continue;
    // Through the registry, so attributes set on instances that go go too.
    for (uint16_t iid : o->Instances()) ok = ok && IsSuccess(registry.Delete(Path::Instance(oid, iid)));
  }
  ok = ok && CreateInstances(registry, state.instances);
  if (!ok) {
    DropSavedObjects(registry);
    CreateInstances(registry, before);
    for (const auto& [p, a] : attributes_before) registry.RestoreAttributes(p, a);
    return Fail(error, "an object refused the saved state; previous state kept");
  }
  for (const auto& [p, a] : state.attributes) registry.RestoreAttributes(p, a);
  for (uint16_t oid : kSavedObjects) {
    if (Object* o = registry.Find(oid)) o->MarkChanged(Path::Object(oid));
  }
  if (error) error->clear();
  return true;
}

bool SaveClientState(const Registry& registry, const std::string& file, std::string* error) {
  const std::vector<uint8_t> bytes = EncodeClientState(registry);
  const std::string tmp = file + ".tmp";
  // 0600: the file holds PSK secrets.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(error, "cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Fail(error, "cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Fail(error, "cannot fsync " + tmp + ": " + why);
  }
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Fail(error, "cannot close " + tmp + ": " + why);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Fail(error, "cannot rename " + tmp + " to " + file + ": " + why);
  }
  // Make the rename itself durable.
  const size_t slash = file.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : file.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  if (error) error->clear();
  return true;
}

bool LoadClientState(Registry& registry, const std::string& file, std::string* error) {
  if (error) error->clear();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return true;  // first start: nothing saved yet
    return Fail(error, "cannot open " + file + ": " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return Fail(error, "cannot read " + file + ": " + why);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
    if (bytes.size() > kMaxFileSize) {
      ::close(fd);
      return Fail(error, file + " is too large to be a client state file");
    }
  }
  ::close(fd);
  if (!RestoreClientState(registry, bytes, error)) {
    if (error) *error = file + ": " + *error;
    return false;
  }
  return true;
}

}  // namespace lwcl::client
