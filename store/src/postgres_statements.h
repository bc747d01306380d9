// The PostgresStore's SQL: one named statement per operation, prepared
// lazily on each connection (Impl::Run). Private to store/src.
#pragma once

#include "postgres_impl.h"

namespace lwcl::store {

// ---- the statements ----
inline constexpr Stmt kPutDevice{
    "put_device",
    "INSERT INTO devices(endpoint, created_ms, model_version, metadata) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT(endpoint) DO UPDATE SET created_ms = excluded.created_ms, "
    "model_version = excluded.model_version, metadata = excluded.metadata"};
inline constexpr Stmt kGetDevice{
    "get_device",
    "SELECT endpoint, created_ms, model_version, metadata FROM devices WHERE endpoint = $1"};
inline constexpr Stmt kDeleteDevice{"delete_device",
                             "WITH c AS (DELETE FROM credentials WHERE endpoint = $1), "
                             "r AS (DELETE FROM registrations WHERE endpoint = $1), "
                             "o AS (DELETE FROM observations WHERE endpoint = $1), "
                             "s AS (DELETE FROM samples WHERE endpoint = $1), "
                             "n AS (DELETE FROM snapshots WHERE endpoint = $1) "
                             "DELETE FROM devices WHERE endpoint = $1"};
inline constexpr Stmt kListDevices{
    "list_devices",
    "SELECT d.endpoint, d.created_ms, d.model_version, d.metadata, "
    "r.endpoint, r.location, r.lifetime_s, r.binding, r.lwm2m_version, r.object_links, "
    "r.peer_address, r.registered_at_ms, r.updated_at_ms, "
    "(SELECT MAX(time_ms) FROM snapshots s WHERE s.endpoint = d.endpoint) "
    "FROM devices d LEFT JOIN registrations r ON r.endpoint = d.endpoint ORDER BY d.endpoint"};
inline constexpr Stmt kPutCredential{
    "put_credential",
    "INSERT INTO credentials(endpoint, psk_identity, psk_key) VALUES ($1, $2, $3) "
    "ON CONFLICT(endpoint) DO UPDATE SET psk_identity = excluded.psk_identity, "
    "psk_key = excluded.psk_key"};
inline constexpr Stmt kGetCredential{
    "get_credential",
    "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE endpoint = $1"};
inline constexpr Stmt kFindCredential{
    "find_credential",
    "SELECT endpoint, psk_identity, psk_key FROM credentials WHERE psk_identity = $1"};
inline constexpr Stmt kDeleteCredential{"delete_credential",
                                 "DELETE FROM credentials WHERE endpoint = $1"};
inline constexpr Stmt kListCredentials{
    "list_credentials",
    "SELECT endpoint, psk_identity, psk_key FROM credentials ORDER BY endpoint"};
inline constexpr Stmt kPutRegistration{
    "put_registration",
    "WITH d AS (INSERT INTO devices(endpoint, created_ms) VALUES ($1, $8) "
    "ON CONFLICT(endpoint) DO NOTHING) "
    "INSERT INTO registrations(endpoint, location, lifetime_s, binding, lwm2m_version, "
    "object_links, peer_address, registered_at_ms, updated_at_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(endpoint) DO UPDATE SET "
    "location = excluded.location, lifetime_s = excluded.lifetime_s, "
    "binding = excluded.binding, lwm2m_version = excluded.lwm2m_version, "
    "object_links = excluded.object_links, peer_address = excluded.peer_address, "
    "registered_at_ms = excluded.registered_at_ms, updated_at_ms = excluded.updated_at_ms"};
#define LWCL_REG_COLUMNS                                                                 \
  "endpoint, location, lifetime_s, binding, lwm2m_version, object_links, peer_address, " \
  "registered_at_ms, updated_at_ms"
inline constexpr Stmt kGetRegistration{
    "get_registration", "SELECT " LWCL_REG_COLUMNS " FROM registrations WHERE endpoint = $1"};
inline constexpr Stmt kFindRegistration{
    "find_registration", "SELECT " LWCL_REG_COLUMNS " FROM registrations WHERE location = $1"};
inline constexpr Stmt kListRegistrations{
    "list_registrations", "SELECT " LWCL_REG_COLUMNS " FROM registrations ORDER BY endpoint"};
#undef LWCL_REG_COLUMNS
inline constexpr Stmt kDeleteRegistration{"delete_registration",
                                   "DELETE FROM registrations WHERE endpoint = $1"};
inline constexpr Stmt kAddObservation{
    "add_observation",
    "INSERT INTO observations(endpoint, paths, token, content_format, attributes, created_ms) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"};
inline constexpr Stmt kRemoveObservation{"remove_observation", "DELETE FROM observations WHERE id = $1"};
inline constexpr Stmt kRemoveObservationByToken{
    "remove_observation_token", "DELETE FROM observations WHERE endpoint = $1 AND token = $2"};
inline constexpr Stmt kRemoveObservations{"remove_observations",
                                   "DELETE FROM observations WHERE endpoint = $1"};
inline constexpr Stmt kListObservations{
    "list_observations",
    "SELECT id, endpoint, paths, token, content_format, attributes, created_ms FROM observations "
    "WHERE ($1::text IS NULL OR endpoint = $1) ORDER BY id"};
// The batch: dedupe within the batch (the last of equal keys wins, as if
// inserted one by one), upsert the series, advance the snapshots.
inline constexpr Stmt kAppendValues{
    "append_values",
    "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[], "
    "$5::float8[], $6::text[], $7::bytea[]) WITH ORDINALITY "
    "AS t(endpoint, path, time_ms, type, num, txt, bin, ord)), "
    "last AS (SELECT DISTINCT ON (endpoint, path, time_ms) endpoint, path, time_ms, type, num, "
    "txt, bin FROM v ORDER BY endpoint, path, time_ms, ord DESC), "
    "ins AS (INSERT INTO samples(endpoint, path, time_ms, type, num, txt, bin) "
    "SELECT * FROM last ON CONFLICT (endpoint, path, time_ms) DO UPDATE SET "
    "type = excluded.type, num = excluded.num, txt = excluded.txt, bin = excluded.bin) "
    "INSERT INTO snapshots(endpoint, path, time_ms, type, num, txt, bin) "
    "SELECT DISTINCT ON (endpoint, path) * FROM last ORDER BY endpoint, path, time_ms DESC "
    "ON CONFLICT (endpoint, path) DO UPDATE SET time_ms = excluded.time_ms, "
    "type = excluded.type, num = excluded.num, txt = excluded.txt, bin = excluded.bin "
    "WHERE excluded.time_ms >= snapshots.time_ms"};
inline constexpr Stmt kQueryRange{"query_range",
                           "SELECT endpoint, path, time_ms, type, num, txt, bin FROM samples "
                           "WHERE endpoint = $1 AND path = $2 AND time_ms >= $3 AND time_ms < $4 "
                           "ORDER BY time_ms LIMIT $5"};
inline constexpr Stmt kQueryBuckets{
    "query_buckets",
    "SELECT (time_ms - $3) / $5 AS b, COUNT(*), COUNT(num), MIN(num), MAX(num), AVG(num) "
    "FROM samples WHERE endpoint = $1 AND path = $2 AND time_ms >= $3 AND time_ms < $4 "
    "GROUP BY b ORDER BY b"};
inline constexpr Stmt kLatestAll{
    "latest_all",
    "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots WHERE endpoint = $1 "
    "ORDER BY path"};
inline constexpr Stmt kLatestPrefix{
    "latest_prefix",
    "SELECT endpoint, path, time_ms, type, num, txt, bin FROM snapshots WHERE endpoint = $1 "
    "AND (path = $2 OR (path >= $3 AND path < $4)) ORDER BY path"};
inline constexpr Stmt kAppendEvent{
    "append_event",
    "INSERT INTO events(time_ms, endpoint, kind, detail) VALUES ($1, $2, $3, $4) RETURNING id"};
inline constexpr Stmt kQueryEvents{
    "query_events",
    "SELECT id, time_ms, endpoint, kind, detail FROM events WHERE time_ms >= $1 AND time_ms < $2 "
    "AND id > $3 AND ($4::text IS NULL OR endpoint = $4) ORDER BY id LIMIT $5"};
inline constexpr Stmt kDeleteSamplesBefore{"delete_samples_before",
                                    "DELETE FROM samples WHERE time_ms < $1"};
inline constexpr Stmt kDeleteEventsBefore{"delete_events_before", "DELETE FROM events WHERE time_ms < $1"};
inline constexpr Stmt kSchemaVersion{"schema_version", "SELECT MAX(version) FROM schema_version"};

}  // namespace lwcl::store
