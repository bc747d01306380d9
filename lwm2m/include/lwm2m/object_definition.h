// ObjectDefinition: what an LwM2M object is, as its OMA DDF XML file says —
// id, name, URN, versions, single/multiple instances, mandatory, and each
// resource's id, name, operations, instances, mandatory, type, range, units
// and description. Both ends type payloads (TLV, plain text, CBOR numbers)
// and check operations (Write on an R resource is 4.05) from these.
#ifndef LWCL_LWM2M_OBJECT_DEFINITION_H_
#define LWCL_LWM2M_OBJECT_DEFINITION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lwm2m/value.h"

namespace lwcl::lwm2m {

enum class Operations : uint8_t {
  kNone,       // bootstrap-only resources (e.g. Security /0)
  kRead,       // R
  kWrite,      // W
  kReadWrite,  // RW
  kExecute,    // E
};

inline bool Readable(Operations o) { return o == Operations::kRead || o == Operations::kReadWrite; }
inline bool Writable(Operations o) { return o == Operations::kWrite || o == Operations::kReadWrite; }
inline bool Executable(Operations o) { return o == Operations::kExecute; }

struct ResourceDefinition {
  uint16_t id = 0;
  std::string name;
  Operations operations = Operations::kNone;
  bool multiple = false;   // MultipleInstances: Multiple
  bool mandatory = false;  // Mandatory: Mandatory
  DataType type = DataType::kNone;  // kNone for executables
  std::string range;        // RangeEnumeration as written ("0..100", "" when free)
  std::string units;
  std::string description;
};

struct ObjectDefinition {
  uint16_t id = 0;
  std::string name;
  std::string description;
  std::string urn;              // "urn:oma:lwm2m:oma:3:1.1"
  std::string version = "1.0";  // ObjectVersion (1.0 when absent, per the DDF schema)
  std::string lwm2m_version;    // LWM2MVersion
  bool multiple = false;
  bool mandatory = false;
  std::vector<ResourceDefinition> resources;  // in file order, ids unique

  const ResourceDefinition* Find(uint16_t resource_id) const {
    for (const ResourceDefinition& r : resources) {
      if (r.id == resource_id) return &r;
    }
    return nullptr;
  }
};

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_OBJECT_DEFINITION_H_
