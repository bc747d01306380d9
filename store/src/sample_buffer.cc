// SampleBuffer: batches samples into the store and keeps them while it fails.
#include "store/sample_buffer.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace lwcl::store {

SampleBuffer::SampleBuffer(Store& store, SampleBufferOptions options)
    : store_(store), options_(options) {}

bool SampleBuffer::Add(Sample sample, TimeMs now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() >= options_.capacity) {
    ++stats_.dropped;
    return false;
  }
  queue_.push_back(Entry{std::move(sample), now_ms});
  ++stats_.accepted;
  return true;
}

Status SampleBuffer::Flush(TimeMs now_ms) { return FlushBatches(now_ms, false); }

Status SampleBuffer::MaybeFlush(TimeMs now_ms) { return FlushBatches(now_ms, true); }

Status SampleBuffer::FlushBatches(TimeMs now_ms, bool only_due) {
  std::lock_guard<std::mutex> flush_lock(flush_mutex_);
  const std::size_t batch_size = std::max<std::size_t>(1, options_.batch_size);
  for (;;) {
    std::vector<Sample> batch;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.empty()) return Status::Ok();
      if (only_due) {
        if (retry_at_ms_ != 0 && now_ms < retry_at_ms_) return Status::Ok();
        const bool full = queue_.size() >= batch_size;
        const bool old = now_ms - queue_.front().arrived_ms >= options_.max_delay_ms;
        if (!full && !old) return Status::Ok();
      }
      // Copy, not move: the batch stays queued until the store acknowledged
      // it. Adders only push at the back, so the front is stable meanwhile.
      const std::size_t n = std::min(batch_size, queue_.size());
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) batch.push_back(queue_[i].sample);
    }
    Status status = store_.AppendValues(batch);
    const bool one_by_one = !status.ok() && status.code() == ErrorCode::kInvalid;
    std::size_t done = status.ok() ? batch.size() : 0;
    if (one_by_one) {
      Status failure;
      done = AppendOneByOne(batch, &failure);  // counts stored and rejected itself
      status = failure;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(done));
    if (!status.ok()) {
      NoteFailure(status, now_ms);
      return status;
    }
    if (!one_by_one) {
      stats_.stored += done;
      stats_.last_error.clear();  // a rejection's message stays visible
    }
    ++stats_.batches;
    backoff_ms_ = 0;
    retry_at_ms_ = 0;
  }
}

std::size_t SampleBuffer::AppendOneByOne(const std::vector<Sample>& batch, Status* failure) {
  std::size_t done = 0;
  for (const Sample& sample : batch) {
    Status st = store_.AppendValues(std::span<const Sample>(&sample, 1));
    std::lock_guard<std::mutex> lock(mutex_);
    if (st.ok()) {
      ++stats_.stored;
    } else if (st.code() == ErrorCode::kInvalid) {
      ++stats_.rejected;
      stats_.last_error = st.message();
    } else {
      *failure = st;
      return done;
    }
    ++done;
  }
  return done;
}

void SampleBuffer::NoteFailure(const Status& status, TimeMs now_ms) {
  ++stats_.failed_flushes;
  stats_.last_error = status.message();
  backoff_ms_ =
      backoff_ms_ == 0 ? options_.min_retry_ms : std::min(backoff_ms_ * 2, options_.max_retry_ms);
  retry_at_ms_ = now_ms + backoff_ms_;
}

SampleBufferStats SampleBuffer::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SampleBufferStats s = stats_;
  s.pending = queue_.size();
  return s;
}

std::size_t SampleBuffer::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

std::uint64_t SampleBuffer::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_.dropped;
}

std::uint64_t SampleBuffer::rejected() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_.rejected;
}

TimeMs SampleBuffer::retry_at_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return retry_at_ms_;
}

}  // namespace lwcl::store
