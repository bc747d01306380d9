// StoreMapping: LwM2M records and registrations as the store keeps them.
//
// ToSamples turns reported records into time-series samples (one per
// resource instance, typed by value, stamped with the record's time or
// now_ms when it has none); ToStored/FromStored convert a registration to a
// store row and back without loss (the round trip is tested).
#ifndef LWCL_SERVER_STORE_MAPPING_H_
#define LWCL_SERVER_STORE_MAPPING_H_

#include <string>
#include <vector>

#include "lwm2m/value.h"
#include "server/registration.h"
#include "store/records.h"

namespace lwcl::server {

std::vector<store::Sample> ToSamples(const std::string& endpoint, const std::vector<lwm2m::Record>& records,
                                     store::TimeMs now_ms);
store::Registration ToStored(const Registration& r);
Registration FromStored(const store::Registration& r);

}  // namespace lwcl::server

#endif  // LWCL_SERVER_STORE_MAPPING_H_
