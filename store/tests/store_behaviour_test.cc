// The Store contract, run against every back end: what the server and the
// REST API rely on must answer the same on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "store/open_store.h"
#include "store/store.h"
#include "store_backends.h"

namespace lwcl::store {
namespace {

using testing::TempDir;

class StoreBehaviour : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string error;
    if (GetParam() == "sqlite") {
      store_ = OpenStore("sqlite:" + (dir_.path() / "store.db").string(), &error);
    } else {
      std::string why = testing::PostgresSkipReason();
      if (!why.empty()) GTEST_SKIP() << why;
      store_ = testing::OpenEmptyPostgres(&error);
    }
    ASSERT_NE(store_, nullptr) << error;
  }

  Store& store() { return *store_; }

  static Sample Num(const std::string& ep, const std::string& path, TimeMs t, double v) {
    Sample s;
    s.endpoint = ep;
    s.path = path;
    s.time_ms = t;
    s.type = ValueType::kFloat;
    s.number = v;
    return s;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreBehaviour, NamesItsBackendAndSchemaVersion) {
  EXPECT_EQ(store().BackendName(), GetParam());
  auto v = store().SchemaVersion();
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, 3);
}

TEST_P(StoreBehaviour, ModelsAddGetListDelete) {
  ModelRecord a;
  a.name = "motion";
  a.version = "1.0.0";
  a.digest = std::string(64, 'a');
  a.is_signed = true;
  a.metadata_json = R"({"labels":["idle","wave"]})";
  a.package = Bytes{1, 2, 3, 0, 255};
  a.created_ms = 1000;
  ModelRecord b = a;
  b.version = "1.1.0";
  b.digest = std::string(64, 'b');
  b.base_digest = a.digest;
  b.is_signed = false;
  b.package = Bytes(5000, 7);
  auto ida = store().AddModel(a);
  ASSERT_TRUE(ida.ok()) << ida.status().message();
  auto idb = store().AddModel(b);
  ASSERT_TRUE(idb.ok()) << idb.status().message();
  EXPECT_GT(*idb, *ida);
  auto again = store().AddModel(a);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kInvalid);
  EXPECT_NE(again.status().message().find("already model " + std::to_string(*ida)), std::string::npos);

  auto got = store().GetModel(*idb);
  ASSERT_TRUE(got.ok()) << got.status().message();
  b.id = *idb;
  EXPECT_EQ(*got, b);
  auto list = store().ListModels();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *idb);  // newest first
  EXPECT_TRUE((*list)[0].package.empty()) << "the list leaves the bytes out";
  EXPECT_EQ((*list)[1].version, "1.0.0");
  EXPECT_TRUE((*list)[1].is_signed);
  ASSERT_TRUE(store().DeleteModel(*ida).ok());
  EXPECT_EQ(store().DeleteModel(*ida).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().GetModel(*ida).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().ListModels()->size(), 1u);
}

TEST_P(StoreBehaviour, TrainingSamplesAddOnceQueryAndLabel) {
  TrainingSampleRecord a;
  a.endpoint = "dev-1";
  a.instance = 3;
  a.taken_ms = 1'800'000'000'000;
  a.received_ms = 1'800'000'000'500;
  a.model = "motion 1.0.0";
  a.predicted = "wave";
  a.confidence = 0.375;
  a.drift = 7.25;
  a.features = Bytes{0, 0, 128, 63, 0, 0, 0, 0, 255};
  TrainingSampleRecord b = a;
  b.instance = 4;
  b.label = "idle";
  b.labelled_by = "device";
  TrainingSampleRecord c = a;
  c.endpoint = "dev-2";
  auto added = store().AddTrainingSamples({a, b, c});
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 3);
  // The same samples again (an Upload repeated): nothing new.
  added = store().AddTrainingSamples({a, b});
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 0);

  auto all = store().QueryTrainingSamples({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].endpoint, "dev-2") << "newest first";
  a.id = (*all)[2].id;
  EXPECT_EQ((*all)[2], a) << "every field round-trips";
  auto dev1 = store().QueryTrainingSamples({.endpoint = "dev-1"});
  ASSERT_TRUE(dev1.ok());
  EXPECT_EQ(dev1->size(), 2u);
  auto labelled = store().QueryTrainingSamples({.endpoint = "dev-1", .labelled = true});
  ASSERT_TRUE(labelled.ok());
  ASSERT_EQ(labelled->size(), 1u);
  EXPECT_EQ((*labelled)[0].label, "idle");
  auto unlabelled = store().QueryTrainingSamples({.labelled = false});
  ASSERT_TRUE(unlabelled.ok());
  EXPECT_EQ(unlabelled->size(), 2u);
  auto page = store().QueryTrainingSamples({.before_id = (*all)[0].id, .limit = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*all)[1].id);

  ASSERT_TRUE(store().LabelTrainingSample(a.id, "wave", "person").ok());
  auto got = store().GetTrainingSample(a.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->label, "wave");
  EXPECT_EQ(got->labelled_by, "person");
  ASSERT_TRUE(store().LabelTrainingSample(a.id, "", "person").ok());
  EXPECT_EQ(store().GetTrainingSample(a.id)->labelled_by, "") << "cleared with its label";
  EXPECT_EQ(store().LabelTrainingSample(999999, "wave", "person").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().GetTrainingSample(999999).status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreBehaviour, DevicesUpsertGetListDelete) {
  Device d{"dev-1", 1000, "motion 1.2.0", R"({"site":"lab"})"};
  ASSERT_TRUE(store().PutDevice(d).ok());
  auto got = store().GetDevice("dev-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, d);

  d.model_version = "motion 1.3.0";
  ASSERT_TRUE(store().PutDevice(d).ok());
  EXPECT_EQ(store().GetDevice("dev-1")->model_version, "motion 1.3.0");

  ASSERT_TRUE(store().PutDevice(Device{"dev-0", 5, "", ""}).ok());
  auto list = store().ListDevices();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].device.endpoint, "dev-0");  // sorted by endpoint
  EXPECT_FALSE((*list)[0].registered());
  EXPECT_EQ((*list)[0].last_seen_ms, 0);

  ASSERT_TRUE(store().DeleteDevice("dev-1").ok());
  EXPECT_EQ(store().GetDevice("dev-1").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().DeleteDevice("dev-1").code(), ErrorCode::kNotFound);
}

TEST_P(StoreBehaviour, DeleteDeviceRemovesWhatIsStoredForIt) {
  Registration r{"dev", "loc1", 60, "U", "1.1", "</3/0>", "127.0.0.1:5683", 10, 10};
  ASSERT_TRUE(store().PutRegistration(r).ok());
  ASSERT_TRUE(store().PutCredential(Credential{"dev", "id-dev", {1, 2}}).ok());
  std::vector<Sample> v{Num("dev", "/3/0/9", 20, 1.0)};
  ASSERT_TRUE(store().AppendValues(v).ok());
  ASSERT_TRUE(store().AddObservation(Observation{0, "dev", {"/3/0/9"}, {7}, -1, "", 1}).ok());
  ASSERT_TRUE(store().DeleteDevice("dev").ok());
  EXPECT_EQ(store().GetRegistration("dev").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().GetCredential("dev").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store().QueryRange("dev", "/3/0/9", 0, 100, 10)->empty());
  EXPECT_TRUE(store().LatestValues("dev", "")->empty());
  EXPECT_TRUE(store().ListObservations("dev")->empty());
}

TEST_P(StoreBehaviour, CredentialsCrudAndLookupByIdentity) {
  Credential a{"dev-a", "identity-a", {0x00, 0x01, 0xff, 0x7f}};
  Credential b{"dev-b", "identity-b", {}};
  ASSERT_TRUE(store().PutCredential(a).ok());
  ASSERT_TRUE(store().PutCredential(b).ok());
  auto found = store().FindCredentialByIdentity("identity-a");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, a);
  EXPECT_EQ(*store().GetCredential("dev-b"), b);
  EXPECT_EQ(store().FindCredentialByIdentity("nobody").status().code(), ErrorCode::kNotFound);

  // An identity names one endpoint only.
  Status clash = store().PutCredential(Credential{"dev-c", "identity-a", {9}});
  EXPECT_EQ(clash.code(), ErrorCode::kInvalid) << clash.message();
  EXPECT_FALSE(clash.message().empty());

  // Replace the key of an endpoint.
  a.psk_key = {5, 5, 5};
  a.psk_identity = "identity-a2";
  ASSERT_TRUE(store().PutCredential(a).ok());
  EXPECT_EQ(*store().FindCredentialByIdentity("identity-a2"), a);
  EXPECT_EQ(store().FindCredentialByIdentity("identity-a").status().code(), ErrorCode::kNotFound);

  auto all = store().ListCredentials();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].endpoint, "dev-a");

  ASSERT_TRUE(store().DeleteCredential("dev-a").ok());
  EXPECT_EQ(store().DeleteCredential("dev-a").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().ListCredentials()->size(), 1u);
}

TEST_P(StoreBehaviour, RegistrationCreatesDeviceAndShowsInDeviceList) {
  Registration r{"dev-r",
                 "a1b2",
                 86400,
                 "UQ",
                 "1.2",
                 "</1/0>,</3/0>,</33650/0>;ver=1.0",
                 "127.0.0.1:40000",
                 1700000000000,
                 1700000000000};
  ASSERT_TRUE(store().PutRegistration(r).ok());
  EXPECT_EQ(*store().GetRegistration("dev-r"), r);
  EXPECT_EQ(*store().FindRegistrationByLocation("a1b2"), r);
  auto dev = store().GetDevice("dev-r");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->created_ms, 1700000000000);

  // An update keeps one registration and moves last seen.
  r.updated_at_ms = 1700000005000;
  r.peer_address = "127.0.0.1:40001";
  ASSERT_TRUE(store().PutRegistration(r).ok());
  ASSERT_EQ(store().ListRegistrations()->size(), 1u);
  auto list = store().ListDevices();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE((*list)[0].registered());
  EXPECT_EQ(*(*list)[0].registration, r);
  EXPECT_EQ((*list)[0].last_seen_ms, 1700000005000);

  // A stored value newer than the update counts as seen.
  std::vector<Sample> v{Num("dev-r", "/33650/0/2001", 1700000009000, 3)};
  ASSERT_TRUE(store().AppendValues(v).ok());
  EXPECT_EQ((*store().ListDevices())[0].last_seen_ms, 1700000009000);

  // De-registration keeps the device, not the registration.
  ASSERT_TRUE(store().DeleteRegistration("dev-r").ok());
  EXPECT_EQ(store().DeleteRegistration("dev-r").code(), ErrorCode::kNotFound);
  list = store().ListDevices();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].registered());
  EXPECT_EQ(store().FindRegistrationByLocation("a1b2").status().code(), ErrorCode::kNotFound);
}

TEST_P(StoreBehaviour, RegistrationLocationIsUnique) {
  ASSERT_TRUE(store().PutRegistration({"a", "same", 60, "U", "1.1", "", "", 1, 1}).ok());
  Status st = store().PutRegistration({"b", "same", 60, "U", "1.1", "", "", 1, 1});
  EXPECT_EQ(st.code(), ErrorCode::kInvalid) << st.message();
}

TEST_P(StoreBehaviour, ObservationsKeepTokensAndCompositePaths) {
  Observation single{0, "dev", {"/33650/0/2001"}, {0xde, 0xad}, 112, "pmin=10&pmax=60", 5};
  Observation composite{
      0, "dev", {"/3/0/9", "/33651/0/5", "/4/0"}, {1, 2, 3, 4, 5, 6, 7, 8}, 11543, "", 6};
  Observation other{0, "dev2", {"/3/0"}, {}, -1, "", 7};
  auto id1 = store().AddObservation(single);
  auto id2 = store().AddObservation(composite);
  auto id3 = store().AddObservation(other);
  ASSERT_TRUE(id1.ok() && id2.ok() && id3.ok());
  EXPECT_LT(*id1, *id2);

  auto list = store().ListObservations("dev");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  single.id = *id1;
  composite.id = *id2;
  EXPECT_EQ((*list)[0], single);
  EXPECT_EQ((*list)[1], composite);
  EXPECT_EQ(store().ListObservations("")->size(), 3u);

  ASSERT_TRUE(store().RemoveObservationByToken("dev", {0xde, 0xad}).ok());
  EXPECT_EQ(store().RemoveObservationByToken("dev", {0xde, 0xad}).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store().RemoveObservation(*id2).ok());
  EXPECT_EQ(store().RemoveObservation(*id2).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store().RemoveObservations("dev2").ok());
  ASSERT_TRUE(store().RemoveObservations("dev2").ok());  // none left: still ok
  EXPECT_TRUE(store().ListObservations("")->empty());
}

TEST_P(StoreBehaviour, AppendValuesKeepsEveryTypeExactly) {
  std::vector<Sample> in;
  in.push_back(Num("dev", "/3313/0/5702", 100, 0.1));
  in.push_back(Num("dev", "/3313/0/5702", 101, -1.0e-300));
  in.push_back(Num("dev", "/3313/0/5702", 102, 123456789.123456789));
  Sample i = Num("dev", "/3313/0/5702", 103, 9007199254740993.0);
  i.type = ValueType::kInteger;
  in.push_back(i);
  Sample t;
  t.endpoint = "dev";
  t.path = "/3313/0/5702";
  t.time_ms = 104;
  t.type = ValueType::kString;
  t.text = "walking \"fast\" \\ {a,b} NULL ünïcødé";
  in.push_back(t);
  Sample b;
  b.endpoint = "dev";
  b.path = "/3313/0/5702";
  b.time_ms = 105;
  b.type = ValueType::kOpaque;
  b.blob = Bytes{0, 1, 2, 0x5c, 0x22, 0xff};
  in.push_back(b);
  Sample both = Num("dev", "/3313/0/5702", 106, 2);
  both.text = "two";
  in.push_back(both);
  Sample empty_blob;
  empty_blob.endpoint = "dev";
  empty_blob.path = "/3313/0/5702";
  empty_blob.time_ms = 107;
  empty_blob.type = ValueType::kOpaque;
  empty_blob.blob = Bytes{};
  in.push_back(empty_blob);
  ASSERT_TRUE(store().AppendValues(in).ok());

  auto out = store().QueryRange("dev", "/3313/0/5702", 0, 1000, 100);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), in.size());
  for (std::size_t k = 0; k < in.size(); ++k) EXPECT_EQ((*out)[k], in[k]) << "sample " << k;
}

TEST_P(StoreBehaviour, RangeQueryIsHalfOpenOrderedAndLimited) {
  std::vector<Sample> in;
  for (int k = 9; k >= 0; --k) in.push_back(Num("dev", "/1/0/1", 1000 + k * 10, k));
  in.push_back(Num("dev", "/1/0/2", 1000, 99));    // another path
  in.push_back(Num("other", "/1/0/1", 1000, 98));  // another endpoint
  ASSERT_TRUE(store().AppendValues(in).ok());
  auto out = store().QueryRange("dev", "/1/0/1", 1020, 1060, 100);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 4u);  // 1020, 1030, 1040, 1050; not 1060
  EXPECT_EQ((*out)[0].time_ms, 1020);
  EXPECT_EQ((*out)[3].time_ms, 1050);
  auto limited = store().QueryRange("dev", "/1/0/1", 0, 5000, 3);
  ASSERT_EQ(limited->size(), 3u);
  EXPECT_EQ((*limited)[2].time_ms, 1020);
  EXPECT_TRUE(store().QueryRange("dev", "/1/0/1", 0, 5000, 0)->empty());
}

TEST_P(StoreBehaviour, AppendingTheSameSampleTwiceStoresItOnce) {
  std::vector<Sample> in{Num("dev", "/p/0/1", 10, 1), Num("dev", "/p/0/1", 20, 2)};
  ASSERT_TRUE(store().AppendValues(in).ok());
  ASSERT_TRUE(store().AppendValues(in).ok());  // a retried batch
  // Equal keys inside one batch: the later one wins.
  std::vector<Sample> again{Num("dev", "/p/0/1", 30, 3), Num("dev", "/p/0/1", 30, 4)};
  ASSERT_TRUE(store().AppendValues(again).ok());
  auto out = store().QueryRange("dev", "/p/0/1", 0, 100, 100);
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ(*(*out)[2].number, 4);
}

TEST_P(StoreBehaviour, BucketsAggregateInSql) {
  std::vector<Sample> in;
  // 0..99 ms, value = time; one text-only sample in the last bucket.
  for (int k = 0; k < 100; ++k) in.push_back(Num("dev", "/a/0/1", k, k));
  Sample text;
  text.endpoint = "dev";
  text.path = "/a/0/1";
  text.time_ms = 100;
  text.type = ValueType::kString;
  text.text = "x";
  in.push_back(text);
  ASSERT_TRUE(store().AppendValues(in).ok());

  auto b = store().QueryBuckets("dev", "/a/0/1", 0, 110, 11);  // width 10
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(b->size(), 11u);
  EXPECT_EQ((*b)[0].start_ms, 0);
  EXPECT_EQ((*b)[0].end_ms, 10);
  EXPECT_EQ((*b)[0].count, 10);
  EXPECT_EQ(*(*b)[0].min, 0);
  EXPECT_EQ(*(*b)[0].max, 9);
  EXPECT_DOUBLE_EQ(*(*b)[0].avg, 4.5);
  EXPECT_EQ((*b)[10].start_ms, 100);
  EXPECT_EQ((*b)[10].count, 1);
  EXPECT_EQ((*b)[10].numeric_count, 0);
  EXPECT_FALSE((*b)[10].avg.has_value());

  // Uneven: 3 buckets over [0, 100) are 34 wide; the last is clipped.
  auto u = store().QueryBuckets("dev", "/a/0/1", 0, 100, 3);
  ASSERT_EQ(u->size(), 3u);
  EXPECT_EQ((*u)[0].count, 34);
  EXPECT_EQ((*u)[2].start_ms, 68);
  EXPECT_EQ((*u)[2].end_ms, 100);
  EXPECT_EQ((*u)[2].count, 32);

  // Empty slices are left out.
  auto sparse = store().QueryBuckets("dev", "/a/0/1", 0, 1000, 10);
  ASSERT_EQ(sparse->size(), 2u);
  EXPECT_EQ((*sparse)[1].start_ms, 100);

  EXPECT_EQ(store().QueryBuckets("dev", "/a/0/1", 10, 10, 5).status().code(), ErrorCode::kInvalid);
  EXPECT_EQ(store().QueryBuckets("dev", "/a/0/1", 0, 10, 0).status().code(), ErrorCode::kInvalid);
}

TEST_P(StoreBehaviour, LatestValuesUnderPathPrefix) {
  std::vector<Sample> in{Num("dev", "/3/0/9", 10, 80), Num("dev", "/3/0/9", 30, 79),
                         Num("dev", "/3/0/9", 20, 81), Num("dev", "/3/0", 5, 1),
                         Num("dev", "/3/01/1", 5, 2),  Num("dev", "/33650/0/2001", 40, 7),
                         Num("dev", "/3/1/0", 6, 3),   Num("dev2", "/3/0/9", 50, 5)};
  ASSERT_TRUE(store().AppendValues(in).ok());
  auto latest = store().LatestValues("dev", "/3/0");
  ASSERT_TRUE(latest.ok()) << latest.status().message();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].path, "/3/0");
  EXPECT_EQ((*latest)[1].path, "/3/0/9");
  EXPECT_EQ((*latest)[1].time_ms, 30);  // the newest, though appended before an older one
  EXPECT_EQ(*(*latest)[1].number, 79);

  EXPECT_EQ(store().LatestValues("dev", "/3/0/")->size(), 2u);
  EXPECT_EQ(store().LatestValues("dev", "/3")->size(), 4u);
  EXPECT_EQ(store().LatestValues("dev", "")->size(), 5u);
  EXPECT_EQ(store().LatestValues("dev", "/")->size(), 5u);
  EXPECT_TRUE(store().LatestValues("nobody", "")->empty());
}

TEST_P(StoreBehaviour, EventsByTimeEndpointAndAfterId) {
  std::vector<std::int64_t> ids;
  for (int k = 0; k < 6; ++k) {
    Event e;
    e.time_ms = 100 * k;
    if (k != 3) e.endpoint = k % 2 ? "odd" : "even";
    e.kind = k == 0 ? event_kind::kRegistered : event_kind::kUpdated;
    e.detail_json = R"({"k":)" + std::to_string(k) + "}";
    auto id = store().AppendEvent(e);
    ASSERT_TRUE(id.ok()) << id.status().message();
    ids.push_back(*id);
  }
  for (std::size_t k = 1; k < ids.size(); ++k) EXPECT_GT(ids[k], ids[k - 1]);

  auto all = store().QueryEvents(EventQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].kind, "registered");
  EXPECT_EQ((*all)[0].detail_json, R"({"k":0})");
  EXPECT_FALSE((*all)[3].endpoint.has_value());

  EventQuery range;
  range.from_ms = 100;
  range.to_ms = 400;  // 100, 200, 300
  EXPECT_EQ(store().QueryEvents(range)->size(), 3u);

  EventQuery by_ep;
  by_ep.endpoint = "even";
  EXPECT_EQ(store().QueryEvents(by_ep)->size(), 3u);  // 0, 2, 4

  EventQuery resume;  // SSE resume after the third event
  resume.after_id = ids[2];
  auto rest = store().QueryEvents(resume);
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ((*rest)[0].id, ids[3]);

  EventQuery limited;
  limited.limit = 2;
  EXPECT_EQ(store().QueryEvents(limited)->size(), 2u);
}

TEST_P(StoreBehaviour, RetentionDeletesOldSamplesAndEventsButKeepsSnapshots) {
  std::vector<Sample> in{Num("dev", "/1/0/1", 10, 1), Num("dev", "/1/0/1", 20, 2),
                         Num("dev", "/1/0/2", 15, 3)};
  ASSERT_TRUE(store().AppendValues(in).ok());
  for (TimeMs t : {5, 25}) ASSERT_TRUE(store().AppendEvent({0, t, {}, "x", "{}"}).ok());
  auto removed = store().DeleteSamplesBefore(20);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(store().QueryRange("dev", "/1/0/1", 0, 100, 10)->size(), 1u);
  EXPECT_EQ(store().LatestValues("dev", "/1")->size(), 2u);  // snapshots stay
  EXPECT_EQ(*store().DeleteEventsBefore(10), 1);
  EXPECT_EQ(store().QueryEvents({})->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBehaviour, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace lwcl::store
