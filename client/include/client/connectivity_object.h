// ConnectivityObject: Connectivity Monitoring /4 (single instance 0), filled
// from a plain struct the application updates as its link changes. Update
// marks changed only the resources whose values moved, so an observation of
// Radio Signal Strength does not fire because the APN list was re-sent.
//
// Resources (lwm2m/objects/4.xml, all R): 0 Network Bearer, 1 Available
// Network Bearer (multiple), 2 Radio Signal Strength (dBm), 3 Link Quality,
// 4 IP Addresses (multiple), 5 Router IP Addresses (multiple), 6 Link
// Utilization (%), 7 APN (multiple), 8 Cell ID, 9 SMNC, 10 SMCC. Optional
// ones are absent until they have a value.
#ifndef LWCL_CLIENT_CONNECTIVITY_OBJECT_H_
#define LWCL_CLIENT_CONNECTIVITY_OBJECT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/simple_object.h"

namespace lwcl::client {

// Network Bearer values (4.xml): 0 GSM, 1 TD-SCDMA, 2 WCDMA, 3 CDMA2000,
// 4 WiMAX, 5 LTE-TDD, 6 LTE-FDD, 7 NB-IoT, 21 WLAN, 22 Bluetooth,
// 23 IEEE 802.15.4, 41 Ethernet, 42 DSL, 43 PLC.
struct ConnectivityInfo {
  int64_t network_bearer = 41;                  // 0 (Ethernet for a host)
  std::vector<int64_t> available_bearers{41};  // 1
  int64_t radio_signal_strength = 0;           // 2, dBm
  std::optional<int64_t> link_quality;         // 3
  std::vector<std::string> ip_addresses;       // 4
  std::vector<std::string> router_ip_addresses;  // 5 (absent when empty)
  std::optional<int64_t> link_utilization;     // 6, percent
  std::vector<std::string> apn;                // 7 (absent when empty)
  std::optional<int64_t> cell_id;              // 8
  std::optional<int64_t> smnc;                 // 9
  std::optional<int64_t> smcc;                 // 10
};

class ConnectivityObject : public SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 4;

  explicit ConnectivityObject(const ConnectivityInfo& info = {});
  // Brings every resource to `info`; an optional that became empty drops
  // its resource.
  void Update(const ConnectivityInfo& info);

  std::vector<uint16_t> PresentResources(uint16_t iid) const override;
  lwm2m::CoapCode Read(uint16_t iid, uint16_t rid, std::vector<lwm2m::Record>* out) override;

 private:
  // Optional resources whose value went away (SimpleObject cannot unset).
  void Hide(uint16_t rid);
  void Show(uint16_t rid) { hidden_.erase(rid); }
  std::set<uint16_t> hidden_;
};

}  // namespace lwcl::client

#endif  // LWCL_CLIENT_CONNECTIVITY_OBJECT_H_
