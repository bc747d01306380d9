#include "client/persistence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "client/security_object.h"
#include "client/standard_objects.h"

namespace lwcl::client {

using lwm2m::CoapCode;
namespace {

using lwm2m::Path;
using lwm2m::Record;

ServerInfo Server(uint16_t ssid, int64_t lifetime_s) {
  ServerInfo s;
  s.short_server_id = ssid;
  s.lifetime_s = lifetime_s;
  return s;
}

DeviceInfo Device(std::string serial) {
  DeviceInfo d;
  d.serial_number = std::move(serial);
  return d;
}


// Every Read of /0 and /1 through the Object API plus every attribute, as
// one comparable value.
struct Snapshot {
  std::vector<Record> records;
  std::map<Path, lwm2m::NotificationAttributes> attributes;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot Take(const Registry& reg) {
  Snapshot s;
  for (uint16_t oid : {uint16_t{0}, uint16_t{1}}) {
    Object* o = reg.Find(oid);
    if (o == nullptr) continue;
    for (uint16_t iid : o->Instances()) {
      s.records.push_back(Record{Path::Instance(oid, iid), {}, {}});
      for (uint16_t rid : o->PresentResources(iid)) o->Read(iid, rid, &s.records);
    }
  }
  s.attributes = reg.AllAttributes();
  return s;
}

// A client as it starts: factory objects only.
struct Client {
  Client() {
    reg.Add(MakeSecurityObject());
    reg.Add(MakeServerObject(Server(1, 86400)));
    reg.Add(MakeDeviceObject(Device("SN-1")));
  }
  Registry reg;
};

class PersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lwcl_persistence_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    file_ = (dir_ / "state.bin").string();

    // The state a bootstrap and some server requests leave behind.
    ServerAccount bs;
    bs.instance = 0;
    bs.uri = "coap://192.0.2.1:5783";
    bs.bootstrap = true;
    ASSERT_TRUE(AddServerAccount(saved_.reg, bs));
    ServerAccount dm;
    dm.instance = 3;
    dm.uri = "coaps://lwm2m.example.com:5684";
    dm.security_mode = kSecurityModePsk;
    dm.identity = {'d', 'e', 'v'};
    dm.secret_key = {0x00, 0xff, 0x10, 0x80};
    dm.short_server_id = 101;
    ASSERT_TRUE(AddServerAccount(saved_.reg, dm));
    auto* security = static_cast<SimpleObject*>(saved_.reg.Find(0));
    security->SetInstance(3, 16, 0, uint64_t{0xC0A8});
    security->SetInstance(3, 16, 4, uint64_t{0xC0AE});
    security->Set(3, 17, lwm2m::Objlnk{21, 0});
    auto* server = static_cast<SimpleObject*>(saved_.reg.Find(1));
    server->RemoveInstance(0);
    server->AddInstance(7);
    server->Set(7, 0, int64_t{101});  // read-only for DM servers
    server->Set(7, 1, int64_t{300});
    server->Set(7, 2, int64_t{5});
    server->Set(7, 6, false);
    server->Set(7, 7, std::string("UQ"));
    ASSERT_EQ(saved_.reg.WriteAttributes(Path::Resource(1, 7, 1), std::vector<std::string>{"pmin=10", "pmax=60"}),
              CoapCode::kChanged);
    ASSERT_EQ(saved_.reg.WriteAttributes(Path::Resource(3, 0, 2), std::vector<std::string>{"gt=20.5", "lt=-3.25",
                                                                                           "st=1.5"}),
              CoapCode::kChanged);
    ASSERT_EQ(saved_.reg.WriteAttributes(Path::Object(3), std::vector<std::string>{"epmin=1", "epmax=9"}),
              CoapCode::kChanged);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<uint8_t> ReadFile() {
    std::ifstream in(file_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void WriteFile(const std::vector<uint8_t>& bytes) {
    std::ofstream out(file_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }

  std::filesystem::path dir_;
  std::string file_;
  Client saved_;
};

TEST_F(PersistenceTest, RoundTripRestoresInstancesResourcesAndAttributes) {
  std::string error = "x";
  ASSERT_TRUE(SaveClientState(saved_.reg, file_, &error)) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_FALSE(std::filesystem::exists(file_ + ".tmp"));

  Client restarted;  // factory /1/0 with ssid 1 must give way to the saved /1/7
  ASSERT_TRUE(LoadClientState(restarted.reg, file_, &error)) << error;
  EXPECT_EQ(Take(restarted.reg), Take(saved_.reg));
  EXPECT_EQ(restarted.reg.Find(1)->Instances(), (std::vector<uint16_t>{7}));
  std::vector<ServerAccount> accounts = ServerAccounts(restarted.reg);
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[1].secret_key, (std::vector<uint8_t>{0x00, 0xff, 0x10, 0x80}));
  EXPECT_EQ(accounts[1].short_server_id, 101);
  const lwm2m::NotificationAttributes* a = restarted.reg.AttributesAt(Path::Resource(3, 0, 2));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->gt, 20.5);
  EXPECT_EQ(a->lt, -3.25);
  EXPECT_FALSE(a->pmin);
  // Device /3 is not part of the saved state: untouched.
  EXPECT_EQ(static_cast<SimpleObject*>(restarted.reg.Find(3))->Get(0, 2), lwm2m::Value{std::string("SN-1")});
}

TEST_F(PersistenceTest, SaveReplacesAnOlderFile) {
  Client empty;
  ASSERT_TRUE(SaveClientState(empty.reg, file_, nullptr));
  ASSERT_TRUE(SaveClientState(saved_.reg, file_, nullptr));
  Client restarted;
  ASSERT_TRUE(LoadClientState(restarted.reg, file_, nullptr));
  EXPECT_EQ(Take(restarted.reg), Take(saved_.reg));
}

TEST_F(PersistenceTest, EmptyStateRoundTrips) {
  Registry bare;
  ASSERT_TRUE(SaveClientState(bare, file_, nullptr));
  Client restarted;
  std::string error;
  ASSERT_TRUE(LoadClientState(restarted.reg, file_, &error)) << error;
  // The file says "no /0 or /1 instances": the factory /1/0 goes.
  EXPECT_TRUE(restarted.reg.Find(1)->Instances().empty());
}

TEST_F(PersistenceTest, MissingFileIsFirstStart) {
  Client fresh;
  const Snapshot before = Take(fresh.reg);
  std::string error = "x";
  EXPECT_TRUE(LoadClientState(fresh.reg, (dir_ / "nothing-here").string(), &error));
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(Take(fresh.reg), before);
}

TEST_F(PersistenceTest, SaveIntoAMissingDirectoryFails) {
  std::string error;
  EXPECT_FALSE(SaveClientState(saved_.reg, (dir_ / "no" / "such" / "dir" / "s.bin").string(), &error));
  EXPECT_FALSE(error.empty());
}

TEST_F(PersistenceTest, EveryTruncationIsRefusedAndChangesNothing) {
  ASSERT_TRUE(SaveClientState(saved_.reg, file_, nullptr));
  const std::vector<uint8_t> full = ReadFile();
  ASSERT_GT(full.size(), 20u);
  Client target;
  const Snapshot before = Take(target.reg);
  for (size_t n = 0; n < full.size(); ++n) {
    const std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    std::string error;
    EXPECT_FALSE(RestoreClientState(target.reg, part, &error)) << n;
    EXPECT_FALSE(error.empty()) << n;
  }
  EXPECT_EQ(Take(target.reg), before);
  // Through the file API too, for one of them.
  WriteFile(std::vector<uint8_t>(full.begin(), full.end() - 1));
  std::string error;
  EXPECT_FALSE(LoadClientState(target.reg, file_, &error));
  EXPECT_NE(error.find(file_), std::string::npos);
  EXPECT_NE(error.find("truncated"), std::string::npos);
  EXPECT_EQ(Take(target.reg), before);
}

TEST_F(PersistenceTest, EveryFlippedByteIsRefusedAndChangesNothing) {
  const std::vector<uint8_t> full = EncodeClientState(saved_.reg);
  Client target;
  const Snapshot before = Take(target.reg);
  for (size_t i = 0; i < full.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> bad = full;
      bad[i] ^= flip;
      std::string error;
      EXPECT_FALSE(RestoreClientState(target.reg, bad, &error)) << i;
      EXPECT_FALSE(error.empty());
    }
  }
  EXPECT_EQ(Take(target.reg), before);
}

TEST_F(PersistenceTest, TrailingBytesAreRefused) {
  std::vector<uint8_t> bytes = EncodeClientState(saved_.reg);
  bytes.push_back(0);
  Client target;
  std::string error;
  EXPECT_FALSE(RestoreClientState(target.reg, bytes, &error));
}

TEST_F(PersistenceTest, ClearErrorsForForeignFiles) {
  Client target;
  std::string error;
  WriteFile({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!'});
  EXPECT_FALSE(LoadClientState(target.reg, file_, &error));
  EXPECT_NE(error.find("magic"), std::string::npos) << error;

  // A valid frame from a future version.
  std::vector<uint8_t> v2 = EncodeClientState(saved_.reg);
  v2[4] = 2;
  // Re-seal the checksum so only the version is wrong.
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i + 4 < v2.size(); ++i) {
    crc ^= v2[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  crc = ~crc;
  for (int k = 0; k < 4; ++k) v2[v2.size() - 4 + static_cast<size_t>(k)] = static_cast<uint8_t>(crc >> (24 - 8 * k));
  EXPECT_FALSE(RestoreClientState(target.reg, v2, &error));
  EXPECT_NE(error.find("version 2"), std::string::npos) << error;
}

TEST_F(PersistenceTest, StateThatDoesNotFitTheRegistryIsRefused) {
  const std::vector<uint8_t> bytes = EncodeClientState(saved_.reg);
  Registry no_security;
  no_security.Add(MakeServerObject({}));
  const Snapshot before = Take(no_security);
  std::string error;
  EXPECT_FALSE(RestoreClientState(no_security, bytes, &error));
  EXPECT_NE(error.find("not registered"), std::string::npos) << error;
  EXPECT_EQ(Take(no_security), before);

  // A /1 that lacks a saved resource (here: Default Minimum Period /1/x/2).
  Registry narrow;
  narrow.Add(MakeSecurityObject());
  narrow.Add(std::make_unique<SimpleObject>(
      1, true, std::vector<ResourceSpec>{{0, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false}}));
  EXPECT_FALSE(RestoreClientState(narrow, bytes, &error));
  EXPECT_NE(error.find("/1/7/1"), std::string::npos) << error;
  EXPECT_TRUE(narrow.Find(0)->Instances().empty());
}

// An object that refuses to create instance 7: the load rolls back.
class RefusingServer : public SimpleObject {
 public:
  RefusingServer()
      : SimpleObject(1, true,
                     {{0, lwm2m::Operations::kRead, lwm2m::DataType::kInteger, false},
                      {1, lwm2m::Operations::kReadWrite, lwm2m::DataType::kInteger, false},
                      {2, lwm2m::Operations::kReadWrite, lwm2m::DataType::kInteger, false},
                      {6, lwm2m::Operations::kReadWrite, lwm2m::DataType::kBoolean, false},
                      {7, lwm2m::Operations::kReadWrite, lwm2m::DataType::kString, false}}) {}
  CoapCode Create(uint16_t iid) override {
    if (iid == 7) return CoapCode::kBadRequest;
    return SimpleObject::Create(iid);
  }
};

TEST_F(PersistenceTest, HandlerFailureRollsBack) {
  const std::vector<uint8_t> bytes = EncodeClientState(saved_.reg);
  Registry reg;
  reg.Add(MakeSecurityObject());
  auto server = std::make_unique<RefusingServer>();
  server->AddInstance(0);
  server->Set(0, 0, int64_t{1});
  server->Set(0, 1, int64_t{99});
  reg.Add(std::move(server));
  ASSERT_EQ(reg.WriteAttributes(Path::Resource(1, 0, 1), std::vector<std::string>{"pmax=30"}), CoapCode::kChanged);
  const Snapshot before = Take(reg);
  std::string error;
  EXPECT_FALSE(RestoreClientState(reg, bytes, &error));
  EXPECT_NE(error.find("previous state kept"), std::string::npos) << error;
  EXPECT_EQ(Take(reg), before);
}

}  // namespace
}  // namespace lwcl::client
