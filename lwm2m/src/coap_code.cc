#include "lwm2m/coap_code.h"

#include <cstdio>

namespace lwcl::lwm2m {

std::string CoapCodeText(CoapCode c) {
  const auto v = static_cast<unsigned>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%u.%02u", v >> 5, v & 31u);
  return buf;
}

}  // namespace lwcl::lwm2m
