// SimpleObject: an Object that keeps its resource values itself, so an
// application object is a few lines — declare the resources, Set values as
// they change, attach handlers for executables:
//
//   SimpleObject temp(3303, true, {{5700, Operations::kRead, DataType::kFloat}});
//   temp.AddInstance(0);
//   temp.Set(0, 5700, 21.5);       // marks /3303/0/5700 changed when it differs
//   registry.Add(&temp);
//
// A resource is present in an instance once it has a value (or, for
// executables, always). Server Writes store the value and call the write
// hook; Create/Delete add and remove instances of multiple-instance objects.
#ifndef LWCL_CLIENT_SIMPLE_OBJECT_H_
#define LWCL_CLIENT_SIMPLE_OBJECT_H_

#include <functional>
#include <map>
#include <optional>

#include "client/object.h"

namespace lwcl::client {

class SimpleObject : public Object {
 public:
  using ExecuteHandler = std::function<lwm2m::CoapCode(uint16_t iid, std::string_view args)>;
  // Called after a server Write stored a value at this path (depth 3 or 4).
  using WriteHook = std::function<void(const lwm2m::Path&, const lwm2m::Value&)>;

  using Object::Object;

  void AddInstance(uint16_t iid);
  void RemoveInstance(uint16_t iid);
  // Sets a single resource's value; MarkChanged when it differs.
  void Set(uint16_t iid, uint16_t rid, lwm2m::Value value);
  // Sets one instance of a multiple resource; MarkChanged when it differs.
  void SetInstance(uint16_t iid, uint16_t rid, uint16_t riid, lwm2m::Value value);
  // The single value of (iid, rid), or of resource instance riid.
  std::optional<lwm2m::Value> Get(uint16_t iid, uint16_t rid, uint16_t riid = lwm2m::kInvalidId) const;
  void OnExecute(uint16_t rid, ExecuteHandler handler) { execute_[rid] = std::move(handler); }
  void OnWrite(WriteHook hook) { write_hook_ = std::move(hook); }

  std::vector<uint16_t> Instances() const override;
  std::vector<uint16_t> PresentResources(uint16_t iid) const override;
  lwm2m::CoapCode Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out) override;
  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;
  lwm2m::CoapCode ClearMultiple(uint16_t iid, uint16_t rid) override;
  lwm2m::CoapCode Execute(uint16_t iid, uint16_t rid, std::string_view args) override;
  lwm2m::CoapCode Create(uint16_t iid) override;
  lwm2m::CoapCode Delete(uint16_t iid) override;

 private:
  // iid -> rid -> riid (kInvalidId for a single resource) -> value
  std::map<uint16_t, std::map<uint16_t, std::map<uint16_t, lwm2m::Value>>> data_;
  std::map<uint16_t, ExecuteHandler> execute_;
  WriteHook write_hook_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_SIMPLE_OBJECT_H_
