// Notification attributes (attributes.h).
#include "lwm2m/attributes.h"

#include <cmath>

#include "lwm2m/plain_text.h"

namespace lwcl::lwm2m {
namespace {

std::optional<CodecError> ParsePeriod(std::string_view key, std::string_view text, int64_t* out) {
  Value v;
  if (ParsePlainText(text, DataType::kInteger, &v)) {
    return CodecError{std::string(key) + " must be an integer number of seconds", 0};
  }
  *out = std::get<int64_t>(v);
  if (*out < 0) return CodecError{std::string(key) + " must not be negative", 0};
  return std::nullopt;
}

std::optional<CodecError> ParseNumber(std::string_view key, std::string_view text, double* out) {
  Value v;
  if (ParsePlainText(text, DataType::kFloat, &v)) return CodecError{std::string(key) + " must be a number", 0};
  *out = std::get<double>(v);
  return std::nullopt;
}

std::optional<double> Numeric(const Value& v) {
  switch (TypeOf(v)) {
    case DataType::kInteger: return static_cast<double>(std::get<int64_t>(v));
    case DataType::kUnsignedInteger: return static_cast<double>(std::get<uint64_t>(v));
    case DataType::kFloat: return std::get<double>(v);
    case DataType::kTime: return static_cast<double>(std::get<Time>(v).seconds);
    default: return std::nullopt;
  }
}

std::string Num(double d) {
  std::string s;
  FormatPlainText(d, &s);
  return s;
}

template <typename T>
void Inherit(std::optional<T>* into, const std::optional<T>& from) {
  if (from) *into = from;
}

}  // namespace

std::optional<CodecError> ApplyAttributeQueries(std::span<const std::string> queries,
                                                NotificationAttributes* attrs) {
  NotificationAttributes a = *attrs;
  for (size_t i = 0; i < queries.size(); ++i) {
    const std::string_view q = queries[i];
    const size_t eq = q.find('=');
    const std::string_view key = q.substr(0, eq);
    const bool clear = eq == std::string_view::npos;
    const std::string_view text = clear ? std::string_view() : q.substr(eq + 1);
    std::optional<CodecError> err;
    auto period = [&](std::optional<int64_t>* f) {
      if (clear) {
        f->reset();
        return;
      }
      int64_t v = 0;
      err = ParsePeriod(key, text, &v);
      if (!err) *f = v;
    };
    auto number = [&](std::optional<double>* f) {
      if (clear) {
        f->reset();
        return;
      }
      double v = 0;
      err = ParseNumber(key, text, &v);
      if (!err) *f = v;
    };
    if (key == "pmin") {
      period(&a.pmin);
    } else if (key == "pmax") {
      period(&a.pmax);
    } else if (key == "epmin") {
      period(&a.epmin);
    } else if (key == "epmax") {
      period(&a.epmax);
    } else if (key == "gt") {
      number(&a.gt);
    } else if (key == "lt") {
      number(&a.lt);
    } else if (key == "st") {
      number(&a.st);
    } else {
      err = CodecError{"unknown attribute '" + std::string(key) + "'", 0};
    }
    if (err) {
      err->offset = i;
      return err;
    }
  }
  *attrs = a;
  return std::nullopt;
}

std::optional<CodecError> ValidateAttributes(const NotificationAttributes& a) {
  auto fail = [](std::string m) { return std::optional<CodecError>(CodecError{std::move(m), 0}); };
  if (a.pmin && *a.pmin < 0) return fail("pmin must not be negative");
  if (a.pmax && *a.pmax < 0) return fail("pmax must not be negative");
  if (a.epmin && *a.epmin < 0) return fail("epmin must not be negative");
  if (a.epmax && *a.epmax < 0) return fail("epmax must not be negative");
  if (a.pmin && a.pmax && *a.pmax != 0 && *a.pmin > *a.pmax) return fail("pmin must not exceed pmax");
  if (a.epmin && a.epmax && *a.epmin > *a.epmax) return fail("epmin must not exceed epmax");
  if (a.st && !(*a.st > 0.0)) return fail("st must be greater than 0");
  if (a.lt && a.gt) {
    if (!(*a.lt < *a.gt)) return fail("lt must be less than gt");
    if (a.st && !(*a.lt + 2.0 * *a.st < *a.gt)) return fail("lt + 2*st must be less than gt");
  }
  return std::nullopt;
}

NotificationAttributes MergeAttributes(std::span<const NotificationAttributes* const> levels,
                                       std::optional<int64_t> default_pmin,
                                       std::optional<int64_t> default_pmax) {
  NotificationAttributes m;
  for (const NotificationAttributes* l : levels) {
    if (l == nullptr) continue;
    Inherit(&m.pmin, l->pmin);
    Inherit(&m.pmax, l->pmax);
    Inherit(&m.gt, l->gt);
    Inherit(&m.lt, l->lt);
    Inherit(&m.st, l->st);
    Inherit(&m.epmin, l->epmin);
    Inherit(&m.epmax, l->epmax);
  }
  if (!m.pmin) m.pmin = default_pmin;
  if (!m.pmax) m.pmax = default_pmax;
  return m;
}

std::vector<LinkAttribute> ToLinkAttributes(const NotificationAttributes& a) {
  std::vector<LinkAttribute> out;
  auto put = [&](const char* name, std::string v) { out.push_back(LinkAttribute{name, std::move(v), false}); };
  if (a.pmin) put("pmin", std::to_string(*a.pmin));
  if (a.pmax) put("pmax", std::to_string(*a.pmax));
  if (a.gt) put("gt", Num(*a.gt));
  if (a.lt) put("lt", Num(*a.lt));
  if (a.st) put("st", Num(*a.st));
  if (a.epmin) put("epmin", std::to_string(*a.epmin));
  if (a.epmax) put("epmax", std::to_string(*a.epmax));
  return out;
}

NotifyDecision DecideNotify(const NotificationAttributes& a, const Value& last_value, double last_time,
                            const Value& current, double now) {
  const double pmin = static_cast<double>(a.pmin.value_or(0));
  const double pmax = static_cast<double>(a.pmax.value_or(0));
  const double elapsed = now - last_time;

  bool changed;
  const auto last = Numeric(last_value), cur = Numeric(current);
  if (last && cur && (a.gt || a.lt || a.st)) {
    const bool crossed_gt = a.gt && ((*last > *a.gt) != (*cur > *a.gt));
    const bool crossed_lt = a.lt && ((*last < *a.lt) != (*cur < *a.lt));
    const bool stepped = a.st && std::fabs(*cur - *last) >= *a.st;
    changed = crossed_gt || crossed_lt || stepped;
  } else {
    changed = !(current == last_value);
  }

  NotifyDecision d;
  if ((pmax > 0 && elapsed >= pmax) || (changed && elapsed >= pmin)) {
    d.notify = true;
    if (pmax > 0) d.wake_at = now + pmax;
    return d;
  }
  if (changed) {
    d.wake_at = last_time + pmin;  // held back by pmin; pmin <= pmax so this comes first
  } else if (pmax > 0) {
    d.wake_at = last_time + pmax;
  }
  return d;
}

}  // namespace lwcl::lwm2m
