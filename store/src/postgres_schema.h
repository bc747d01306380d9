// The PostgreSQL schema, as a list of migrations: entry i brings a database
// from version i to version i+1. Append new entries; never edit a shipped
// one. Text keys use the "C" collation so that ordering and the path-prefix
// ranges match SQLite's byte order whatever the database's locale.
#pragma once

#include <array>

namespace lwcl::store::postgres_schema {

inline constexpr std::array<const char*, 3> kMigrations = {
    // 0 -> 1: everything issue 5 asks for.
    R"sql(
CREATE TABLE devices (
  endpoint TEXT COLLATE "C" PRIMARY KEY,
  created_ms BIGINT NOT NULL,
  model_version TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT ''
);
CREATE TABLE credentials (
  endpoint TEXT COLLATE "C" PRIMARY KEY,
  psk_identity TEXT COLLATE "C" NOT NULL UNIQUE,
  psk_key BYTEA NOT NULL
);
CREATE TABLE registrations (
  endpoint TEXT COLLATE "C" PRIMARY KEY,
  location TEXT COLLATE "C" NOT NULL UNIQUE,
  lifetime_s BIGINT NOT NULL,
  binding TEXT NOT NULL,
  lwm2m_version TEXT NOT NULL,
  object_links TEXT NOT NULL,
  peer_address TEXT NOT NULL,
  registered_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE TABLE observations (
  id BIGSERIAL PRIMARY KEY,
  endpoint TEXT COLLATE "C" NOT NULL,
  paths TEXT NOT NULL,
  token BYTEA NOT NULL,
  content_format INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX observations_by_endpoint ON observations(endpoint);
CREATE TABLE samples (
  endpoint TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  time_ms BIGINT NOT NULL,
  type SMALLINT NOT NULL,
  num DOUBLE PRECISION,
  txt TEXT,
  bin BYTEA,
  PRIMARY KEY (endpoint, path, time_ms)
);
CREATE TABLE snapshots (
  endpoint TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  time_ms BIGINT NOT NULL,
  type SMALLINT NOT NULL,
  num DOUBLE PRECISION,
  txt TEXT,
  bin BYTEA,
  PRIMARY KEY (endpoint, path)
);
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  endpoint TEXT COLLATE "C",
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_time ON events(time_ms);
CREATE INDEX events_by_endpoint ON events(endpoint, id);
)sql",
    // 1 -> 2: the model registry (issue 12).
    R"sql(
CREATE TABLE models (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  digest TEXT NOT NULL UNIQUE,
  base_digest TEXT NOT NULL,
  is_signed BOOLEAN NOT NULL,
  metadata TEXT NOT NULL,
  package BYTEA NOT NULL,
  created_ms BIGINT NOT NULL
);
)sql",
    // 2 -> 3: the fleet's training samples (issue 13).
    R"sql(
CREATE TABLE training_samples (
  id BIGSERIAL PRIMARY KEY,
  endpoint TEXT NOT NULL,
  instance BIGINT NOT NULL,
  taken_ms BIGINT NOT NULL,
  received_ms BIGINT NOT NULL,
  model TEXT NOT NULL,
  predicted TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  drift DOUBLE PRECISION NOT NULL,
  label TEXT NOT NULL,
  labelled_by TEXT NOT NULL,
  features BYTEA NOT NULL,
  UNIQUE (endpoint, instance, taken_ms)
);
CREATE INDEX training_samples_by_endpoint ON training_samples(endpoint, id);
)sql",
};

}  // namespace lwcl::store::postgres_schema
