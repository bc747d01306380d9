// Status and Result<T>: how every store operation reports failure.
//
// The store never lets an exception escape and never crashes because the
// database went away: each call returns a Status (ok, or an error with a
// human-readable message naming the back end and the operation), or a
// Result<T> carrying either a value or such an error. Callers branch on ok().
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace lwcl::store {

// What kind of failure, so callers can react without parsing messages.
enum class ErrorCode {
  kOk = 0,
  kNotFound,     // the thing asked for does not exist (not a fault)
  kInvalid,      // the caller passed something the store refuses
  kUnavailable,  // the database cannot be reached now; retrying may help
  kInternal,     // any other database error (constraint, SQL, corruption)
};

class Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Error(ErrorCode code, std::string message) {
    Status s;
    s.code_ = code == ErrorCode::kOk ? ErrorCode::kInternal : code;
    s.message_ = std::move(message);
    return s;
  }
  static Status NotFound(std::string m) { return Error(ErrorCode::kNotFound, std::move(m)); }
  static Status Invalid(std::string m) { return Error(ErrorCode::kInvalid, std::move(m)); }
  static Status Unavailable(std::string m) { return Error(ErrorCode::kUnavailable, std::move(m)); }
  static Status Internal(std::string m) { return Error(ErrorCode::kInternal, std::move(m)); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none. value(), * and -> are
// only valid when ok().
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit on purpose
    if (status_.ok()) status_ = Status::Internal("result without a value");
  }
  bool ok() const { return status_.ok() && value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace lwcl::store
