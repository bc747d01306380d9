// SqliteStore specifics: a file reopened (a server restart) keeps
// everything; WAL is on; schema versions are enforced.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/open_store.h"
#include "store_backends.h"

namespace lwcl::store {
namespace {

using testing::TempDir;

TEST(SqliteStore, ReopeningTheFileKeepsEverything) {
  TempDir dir;
  const std::string path = (dir.path() / "lwcl.db").string();
  std::int64_t observation_id = 0;
  {
    std::string error;
    auto store = OpenStore(path, &error);  // a plain path means SQLite
    ASSERT_NE(store, nullptr) << error;
    ASSERT_TRUE(
        store->PutRegistration({"dev", "loc", 300, "U", "1.1", "</3/0>", "1.2.3.4:5", 10, 20})
            .ok());
    ASSERT_TRUE(store->PutCredential({"dev", "psk-dev", {1, 2, 3}}).ok());
    auto id = store->AddObservation({0, "dev", {"/3/0/9", "/4/0"}, {0xaa}, 112, "pmax=60", 30});
    ASSERT_TRUE(id.ok());
    observation_id = *id;
    std::vector<Sample> v(3);
    for (int k = 0; k < 3; ++k) {
      v[static_cast<std::size_t>(k)] =
          Sample{"dev", "/3/0/9", 100 + k, ValueType::kInteger, double(k), {}, {}};
    }
    ASSERT_TRUE(store->AppendValues(v).ok());
    ASSERT_TRUE(store->AppendEvent({0, 40, "dev", event_kind::kRegistered, "{}"}).ok());
  }
  std::string error;
  auto store = OpenStore("sqlite:" + path, &error);
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->GetRegistration("dev")->updated_at_ms, 20);
  EXPECT_EQ(store->FindCredentialByIdentity("psk-dev")->psk_key, (Bytes{1, 2, 3}));
  auto obs = store->ListObservations("dev");
  ASSERT_EQ(obs->size(), 1u);
  EXPECT_EQ((*obs)[0].id, observation_id);
  EXPECT_EQ((*obs)[0].paths.size(), 2u);
  EXPECT_EQ(store->QueryRange("dev", "/3/0/9", 0, 1000, 10)->size(), 3u);
  EXPECT_EQ(store->LatestValues("dev", "/3")->at(0).time_ms, 102);
  EXPECT_EQ(store->QueryEvents({})->size(), 1u);
  EXPECT_EQ(*store->SchemaVersion(), 3);
}

TEST(SqliteStore, UsesWalJournal) {
  TempDir dir;
  const std::string path = (dir.path() / "wal.db").string();
  std::string error;
  auto store = OpenSqliteStore(path, &error);
  ASSERT_NE(store, nullptr) << error;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteStore, RefusesADatabaseFromANewerBuild) {
  TempDir dir;
  const std::string path = (dir.path() / "future.db").string();
  {
    std::string error;
    ASSERT_NE(OpenSqliteStore(path, &error), nullptr) << error;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  std::string error;
  EXPECT_EQ(OpenSqliteStore(path, &error), nullptr);
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
}

TEST(SqliteStore, OpenFailureIsAMessageNotACrash) {
  std::string error;
  EXPECT_EQ(OpenStore("sqlite:/nonexistent-dir/x/y.db", &error), nullptr);
  EXPECT_NE(error.find("sqlite"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(OpenStore("sqlite:", &error), nullptr);
  EXPECT_FALSE(error.empty());
}

TEST(SqliteStore, ASecondConnectionSeesCommittedBatches) {
  TempDir dir;
  const std::string path = (dir.path() / "two.db").string();
  std::string error;
  auto writer = OpenSqliteStore(path, &error);
  auto reader = OpenSqliteStore(path, &error);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  std::vector<Sample> v{{"d", "/1/0/1", 1, ValueType::kFloat, 1.5, {}, {}}};
  ASSERT_TRUE(writer->AppendValues(v).ok());
  EXPECT_EQ(reader->QueryRange("d", "/1/0/1", 0, 10, 10)->size(), 1u);
}

}  // namespace
}  // namespace lwcl::store
