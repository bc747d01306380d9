// Registry: the client's data model — the objects it serves and the
// Write-Attributes set on them — and the LwM2M DM operations over Paths
// (Read, Write replace / partial update, Execute, Create, Delete, Discover,
// Write-Attributes, Read-Composite, Write-Composite), each answering with the
// CoAP code the spec gives.
//
// It promises: operations are checked against the resource specs before any
// handler runs (R-only resource written: 4.05; unknown object, instance or
// resource: 4.04; value not convertible to the declared type: 4.00), and a
// failed operation leaves no attributes changed. No network, no clocks.
#ifndef LWCL_CLIENT_REGISTRY_H_
#define LWCL_CLIENT_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap_code.h"
#include "client/content_formats.h"
#include "client/object.h"
#include "lwm2m/attributes.h"
#include "lwm2m/content_format.h"
#include "lwm2m/link_format.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace lwcl::client {

class Registry {
 public:
  // Adds an object the caller keeps alive; replaces one with the same id.
  void Add(Object* object);
  // Adds an object the registry owns.
  void Add(std::unique_ptr<Object> object);
  Object* Find(uint16_t object_id) const;
  std::vector<uint16_t> ObjectIds() const;  // ascending

  // Types decoded values from the resource specs; valid while the registry lives.
  lwm2m::TypeResolver Resolver() const;
  // The Register/Update payload: `</1/0>,</3/0>,...` (objects without
  // instances as `</id>`). Security /0 is left out, as the spec requires.
  // With advertised formats it opens with `</>;rt="oma.lwm2m";ct=...`.
  std::vector<lwm2m::Link> ObjectList() const;
  // The data formats DM requests and answers may use (all by default).
  void SetContentFormats(ContentFormats formats) { formats_ = std::move(formats); }
  const ContentFormats& content_formats() const { return formats_; }
  std::string ObjectListText() const { return lwm2m::FormatLinkFormat(ObjectList()); }

  // Called with every path an object marks changed and every path a DM
  // operation changes (the observe scheduler listens here).
  void SetChangeListener(std::function<void(const lwm2m::Path&)> listener);

  lwm2m::CoapCode Read(const lwm2m::Path& path, std::vector<lwm2m::Record>* out) const;
  // Write on an instance, resource or resource instance. `replace` (PUT)
  // replaces multiple resources wholesale; otherwise (POST) a partial update.
  lwm2m::CoapCode Write(const lwm2m::Path& path, std::span<const lwm2m::Record> records, bool replace);
  lwm2m::CoapCode Execute(const lwm2m::Path& path, std::string_view args);
  // Read-Composite (Core 6.3.x): appends the records of every path in
  // `paths`, in the order listed, each record once even when listed paths
  // overlap. The root path "/" stands for every object but Security /0.
  // A path that does not exist (4.04) or cannot be read (4.05, e.g. an
  // executable resource) is skipped, as Read on an instance skips them; when
  // no listed path could be read the answer is the first such code (4.04 if
  // none exists). An empty list is 4.00; other handler failures are returned.
  lwm2m::CoapCode ReadComposite(std::span<const lwm2m::Path> paths, std::vector<lwm2m::Record>* out) const;
  // Write-Composite (Core 6.3.x, iPATCH on "/"): `records` carry absolute
  // resource or resource-instance paths, possibly in several objects; each
  // is a partial update of that one value (other instances of a multiple
  // resource stay). Every record is checked before anything is written —
  // instance exists (4.04), resource declared (4.04), writable (4.05), value
  // present and of the declared type and path depth (4.00), no path twice
  // (4.00) — so a refused Write-Composite writes nothing. Should a handler
  // still fail mid-way, the values already written are put back where they
  // had one (best effort: a value that did not exist before stays).
  lwm2m::CoapCode WriteComposite(std::span<const lwm2m::Record> records);
  // Create on an object path; the new instance id comes from the records'
  // paths or is the lowest free one. Its resources are then written.
  lwm2m::CoapCode Create(const lwm2m::Path& path, std::span<const lwm2m::Record> records, uint16_t* created);
  lwm2m::CoapCode Delete(const lwm2m::Path& path);
  // Links for the path's level and one level below, with attributes set there.
  lwm2m::CoapCode Discover(const lwm2m::Path& path, std::vector<lwm2m::Link>* out) const;
  lwm2m::CoapCode WriteAttributes(const lwm2m::Path& path, std::span<const std::string> queries);
  // The attributes set exactly at `path`, or nullptr.
  const lwm2m::NotificationAttributes* AttributesAt(const lwm2m::Path& path) const;
  // Every attribute set, by path (persistence saves these).
  const std::map<lwm2m::Path, lwm2m::NotificationAttributes>& AllAttributes() const { return attributes_; }
  // Puts back attributes saved earlier, without validation or change
  // notifications (persistence restores these at start-up).
  void RestoreAttributes(const lwm2m::Path& path, const lwm2m::NotificationAttributes& attrs) {
    attributes_[path] = attrs;
  }
  // Attributes in force at `path`, inherited object -> instance -> resource.
  lwm2m::NotificationAttributes EffectiveAttributes(const lwm2m::Path& path,
                                                    std::optional<int64_t> default_pmin = std::nullopt,
                                                    std::optional<int64_t> default_pmax = std::nullopt) const;

 private:
  lwm2m::CoapCode CheckPath(const lwm2m::Path& path, Object** object) const;
  lwm2m::CoapCode WriteOne(Object* object, const lwm2m::Record& record);
  void Changed(const lwm2m::Path& path) const;

  std::map<uint16_t, Object*> objects_;
  std::vector<std::unique_ptr<Object>> owned_;
  std::map<lwm2m::Path, lwm2m::NotificationAttributes> attributes_;
  std::function<void(const lwm2m::Path&)> listener_;
  ContentFormats formats_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_REGISTRY_H_
