// lwcl_client_memory: memory per LwM2M client instance, for fleets that run
// thousands of clients in one process. Creates N clients, each with its own
// registry, Device /3 and Server /1 objects, a /33650 Pattern Detector with
// three instances, and a libcoap context listening on its own loopback UDP
// port, then reports heap bytes (mallinfo2) and resident memory per client.
//
//   lwcl_client_memory [N]     (default 1000)
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include "client/client.h"
#include "client/registry.h"
#include "client/simple_object.h"
#include "client/standard_objects.h"

using namespace lwcl::client;
using lwcl::lwm2m::DataType;
using lwcl::lwm2m::Operations;

namespace {

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

struct Device {
  Registry registry;
  std::unique_ptr<SimpleObject> detector;
  std::unique_ptr<Client> client;
};

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: %s [N]\n", argv[0]);
    return 2;
  }
  const size_t heap0 = mallinfo2().uordblks;
  const long rss0 = ResidentBytes();
  std::vector<std::unique_ptr<Device>> fleet;
  fleet.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto d = std::make_unique<Device>();
    d->registry.Add(MakeDeviceObject({}));
    d->registry.Add(MakeServerObject({}));
    d->detector = std::make_unique<SimpleObject>(
        33650, true,
        std::vector<ResourceSpec>{{2000, Operations::kRead, DataType::kBoolean},
                                  {2001, Operations::kRead, DataType::kInteger},
                                  {2002, Operations::kRead, DataType::kString}});
    for (uint16_t k = 0; k < 3; ++k) d->detector->AddInstance(k);
    d->registry.Add(d->detector.get());
    d->client = std::make_unique<Client>(d->registry);
    if (d->client->Listen("127.0.0.1", 0) == 0) {
      std::fprintf(stderr, "client %d: cannot listen (open files limit?)\n", i);
      return 1;
    }
    fleet.push_back(std::move(d));
  }
  const double heap = static_cast<double>(mallinfo2().uordblks - heap0) / n;
  const double rss = static_cast<double>(ResidentBytes() - rss0) / n;
  std::printf("clients %d: heap %.0f B/client, resident %.0f B/client\n", n, heap, rss);
  return 0;
}
