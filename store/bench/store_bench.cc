// Samples appended per second, in batches of 1, 100 and 1000, for both back
// ends; and one downsampled range query over 100k samples. SQLite runs on a
// file in /tmp (WAL, synchronous=NORMAL, as the server uses it); PostgreSQL
// on the tests' private server (postgres_fixture.h), which runs with fsync
// off — its figures are an upper bound for a durable server.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "postgres_fixture.h"
#include "store/open_store.h"
#include "store/sqlite_store.h"
#include "store_backends.h"

namespace lwcl::store {
namespace {

std::unique_ptr<Store> OpenBackend(const std::string& backend, testing::TempDir& dir,
                                   std::string* error) {
  if (backend == "sqlite") return OpenStore("sqlite:" + (dir.path() / "bench.db").string(), error);
  auto& server = test_support::PostgresServer::Shared();
  if (!server.available()) {
    *error = "PostgreSQL unavailable: " + server.why_unavailable();
    return nullptr;
  }
  if (!server.ResetDatabase(testing::kTestDatabase, error)) return nullptr;
  return OpenStore(server.Uri(testing::kTestDatabase), error);
}

// A notification stream: 100 devices, one accelerometer resource each.
void FillBatch(std::vector<Sample>* batch, std::int64_t* next) {
  for (Sample& s : *batch) {
    const std::int64_t n = (*next)++;
    s.endpoint = "dev-" + std::to_string(n % 100);
    s.path = "/3313/0/5702";
    s.time_ms = 1700000000000 + n;
    s.type = ValueType::kFloat;
    s.number = static_cast<double>(n % 1000) * 0.01;
  }
}

void BM_Append(benchmark::State& state, const std::string& backend) {
  testing::TempDir dir;
  std::string error;
  auto store = OpenBackend(backend, dir, &error);
  if (!store) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<Sample> batch(static_cast<std::size_t>(state.range(0)));
  std::int64_t next = 0;
  for (auto _ : state) {
    FillBatch(&batch, &next);  // cheap next to the write; pausing costs more
    Status st = store->AppendValues(batch);
    if (!st.ok()) {
      state.SkipWithError(st.message().c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Buckets(benchmark::State& state, const std::string& backend) {
  testing::TempDir dir;
  std::string error;
  auto store = OpenBackend(backend, dir, &error);
  if (!store) {
    state.SkipWithError(error.c_str());
    return;
  }
  // 100k samples of one series, 1 ms apart.
  std::vector<Sample> batch(1000);
  for (int b = 0; b < 100; ++b) {
    for (int k = 0; k < 1000; ++k) {
      Sample& s = batch[static_cast<std::size_t>(k)];
      s = Sample{"dev", "/3313/0/5702", b * 1000 + k, ValueType::kFloat, double(k), {}, {}};
    }
    if (!store->AppendValues(batch).ok()) {
      state.SkipWithError("fill failed");
      return;
    }
  }
  for (auto _ : state) {
    auto r = store->QueryBuckets("dev", "/3313/0/5702", 0, 100000, state.range(0));
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(r->size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100000);
}

BENCHMARK_CAPTURE(BM_Append, sqlite, std::string("sqlite"))
    ->Arg(1)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Append, postgresql, std::string("postgresql"))
    ->Arg(1)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime();
// Wall time: with PostgreSQL the work happens in the server process.
BENCHMARK_CAPTURE(BM_Buckets, sqlite, std::string("sqlite"))->Arg(500)->UseRealTime();
BENCHMARK_CAPTURE(BM_Buckets, postgresql, std::string("postgresql"))->Arg(500)->UseRealTime();

}  // namespace
}  // namespace lwcl::store
