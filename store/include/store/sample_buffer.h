// SampleBuffer: where the server puts every value it receives, so that it
// loses none it acknowledged even while the database is away.
//
// Add() takes a sample into memory (thread-safe, never blocks on the
// database). Flush()/MaybeFlush() write the oldest samples to the Store in
// batches, one AppendValues (one transaction) per batch. A batch leaves the
// buffer only after the store said it is committed; when a flush fails the
// batch stays at the front and is retried later, after a back-off that grows
// with each failure. Retrying is safe because AppendValues is idempotent (a
// batch whose commit was in doubt is not stored twice).
//
// A batch the store refuses as invalid data (kInvalid — e.g. text that is
// not UTF-8 for PostgreSQL) would fail forever, so it is retried sample by
// sample: the good ones are stored, the bad ones leave the buffer counted in
// rejected() with the store's message in last_error. Any other failure
// (kUnavailable, kInternal) keeps the whole batch for a later retry.
//
// The buffer is bounded. When it is full, Add() refuses the new sample and
// returns false — the caller can then refuse it upstream (e.g. answer the
// device's Send with 5.03) — and dropped() counts every refusal, so loss is
// never silent. Samples that Add() accepted are never dropped.
//
// Time is passed in (now_ms), never read from a clock, so tests are exact.
// Add() may be called from any thread; Flush()/MaybeFlush() call the store
// from the caller's thread, one flush at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "store/records.h"
#include "store/status.h"
#include "store/store.h"

namespace lwcl::store {

struct SampleBufferOptions {
  std::size_t batch_size = 1000;   // samples per AppendValues
  std::size_t capacity = 1000000;  // samples held at most; beyond, Add refuses
  TimeMs max_delay_ms = 1000;      // MaybeFlush writes a partial batch this old
  TimeMs min_retry_ms = 100;       // back-off after the first failed flush...
  TimeMs max_retry_ms = 10000;     // ...doubling up to this
};

struct SampleBufferStats {
  std::size_t pending = 0;           // accepted, not yet stored
  std::uint64_t accepted = 0;        // Add() calls that returned true
  std::uint64_t stored = 0;          // samples the store acknowledged
  std::uint64_t dropped = 0;         // Add() calls refused because full
  std::uint64_t rejected = 0;        // accepted samples the store refused as invalid
  std::uint64_t batches = 0;         // successful AppendValues calls
  std::uint64_t failed_flushes = 0;  // failed AppendValues calls
  std::string last_error;            // message of the latest failure, "" after a success
};

class SampleBuffer {
 public:
  explicit SampleBuffer(Store& store, SampleBufferOptions options = {});
  SampleBuffer(const SampleBuffer&) = delete;
  SampleBuffer& operator=(const SampleBuffer&) = delete;

  // Accepts the sample (true), or refuses it because the buffer is full
  // (false, counted in dropped()). `now_ms` stamps when it arrived, for
  // max_delay_ms.
  bool Add(Sample sample, TimeMs now_ms);

  // Writes everything pending, batch by batch, ignoring back-off; stops at
  // the first failure and returns it (the samples stay).
  Status Flush(TimeMs now_ms);

  // Writes full batches, and a partial one once its oldest sample waited
  // max_delay_ms; does nothing while backing off after a failure. Call it
  // often (each loop turn or timer tick). Returns the flush's status (ok when
  // it had nothing to do).
  Status MaybeFlush(TimeMs now_ms);

  SampleBufferStats stats() const;
  std::size_t pending() const;
  std::uint64_t dropped() const;
  std::uint64_t rejected() const;
  // The earliest time at which MaybeFlush will try the store again after a
  // failure (0 when not backing off).
  TimeMs retry_at_ms() const;

 private:
  struct Entry {
    Sample sample;
    TimeMs arrived_ms;
  };
  Status FlushBatches(TimeMs now_ms, bool only_due);
  // After a batch failed as invalid: stores it sample by sample. Returns how
  // many leading samples are done (stored or rejected) and the first
  // non-invalid failure, if any.
  std::size_t AppendOneByOne(const std::vector<Sample>& batch, Status* failure);
  void NoteFailure(const Status& status, TimeMs now_ms);

  Store& store_;
  const SampleBufferOptions options_;
  mutable std::mutex mutex_;  // guards queue_ and stats_
  std::mutex flush_mutex_;    // one flusher at a time
  std::deque<Entry> queue_;
  SampleBufferStats stats_;
  TimeMs retry_at_ms_ = 0;
  TimeMs backoff_ms_ = 0;
};

}  // namespace lwcl::store
