// The SQLite schema, as a list of migrations: entry i brings a database from
// version i to version i+1. Append new entries; never edit a shipped one.
#pragma once

#include <array>

namespace lwcl::store::sqlite_schema {

inline constexpr std::array<const char*, 3> kMigrations = {
    // 0 -> 1: everything issue 5 asks for.
    R"sql(
CREATE TABLE devices (
  endpoint TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  model_version TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT ''
);
CREATE TABLE credentials (
  endpoint TEXT PRIMARY KEY,
  psk_identity TEXT NOT NULL UNIQUE,
  psk_key BLOB NOT NULL
);
CREATE TABLE registrations (
  endpoint TEXT PRIMARY KEY,
  location TEXT NOT NULL UNIQUE,
  lifetime_s INTEGER NOT NULL,
  binding TEXT NOT NULL,
  lwm2m_version TEXT NOT NULL,
  object_links TEXT NOT NULL,
  peer_address TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE TABLE observations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint TEXT NOT NULL,
  paths TEXT NOT NULL,
  token BLOB NOT NULL,
  content_format INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX observations_by_endpoint ON observations(endpoint);
CREATE TABLE samples (
  endpoint TEXT NOT NULL,
  path TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  type INTEGER NOT NULL,
  num REAL,
  txt TEXT,
  bin BLOB,
  PRIMARY KEY (endpoint, path, time_ms)
) WITHOUT ROWID;
CREATE TABLE snapshots (
  endpoint TEXT NOT NULL,
  path TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  type INTEGER NOT NULL,
  num REAL,
  txt TEXT,
  bin BLOB,
  PRIMARY KEY (endpoint, path)
) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  endpoint TEXT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(time_ms);
CREATE INDEX events_by_endpoint ON events(endpoint, id);
)sql",
    // 1 -> 2: the model registry (issue 12).
    R"sql(
CREATE TABLE models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  digest TEXT NOT NULL UNIQUE,
  base_digest TEXT NOT NULL,
  is_signed INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  package BLOB NOT NULL,
  created_ms INTEGER NOT NULL
);
)sql",
    // 2 -> 3: the fleet's training samples (issue 13).
    R"sql(
CREATE TABLE training_samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint TEXT NOT NULL,
  instance INTEGER NOT NULL,
  taken_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  model TEXT NOT NULL,
  predicted TEXT NOT NULL,
  confidence REAL NOT NULL,
  drift REAL NOT NULL,
  label TEXT NOT NULL,
  labelled_by TEXT NOT NULL,
  features BLOB NOT NULL,
  UNIQUE (endpoint, instance, taken_ms)
);
CREATE INDEX training_samples_by_endpoint ON training_samples(endpoint, id);
)sql",
};

}  // namespace lwcl::store::sqlite_schema
