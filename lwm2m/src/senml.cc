// SenML base resolution and the SenML <-> LwM2M record mapping (senml.h),
// shared by SenML JSON and SenML CBOR.
#include <charconv>
#include <type_traits>

#include "lwm2m/senml.h"

namespace lwcl::lwm2m {
namespace {

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

bool IsNumeric(const Value& v) {
  return std::holds_alternative<int64_t>(v) || std::holds_alternative<uint64_t>(v) ||
         std::holds_alternative<double>(v);
}

double AsDouble(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  return std::get<double>(v);
}

// bv + v: exact for integers when it fits, a double otherwise.
Value AddBase(const Value& base, const Value& v) {
  const auto* bi = std::get_if<int64_t>(&base);
  const auto* vi = std::get_if<int64_t>(&v);
  if (bi && vi) {
    int64_t sum;
    if (!__builtin_add_overflow(*bi, *vi, &sum)) return Value{sum};
  }
  return Value{AsDouble(base) + AsDouble(v)};
}

}  // namespace

double ResolveSenmlTime(double t, double now) {
  constexpr double kRelativeLimit = 268435456.0;  // 2^28
  return t < kRelativeLimit ? now + t : t;
}

std::optional<Objlnk> ParseObjlnkText(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto id = [](std::string_view part) -> std::optional<uint16_t> {
    if (part.empty() || part.size() > 5) return std::nullopt;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || v > 65535) return std::nullopt;
    return static_cast<uint16_t>(v);
  };
  auto o = id(text.substr(0, colon));
  auto i = id(text.substr(colon + 1));
  if (!o || !i) return std::nullopt;
  return Objlnk{*o, *i};
}

std::string ObjlnkText(const Objlnk& l) {
  return std::to_string(l.object_id) + ":" + std::to_string(l.instance_id);
}

std::optional<CodecError> ResolveSenml(std::span<const SenmlRecord> in, std::vector<SenmlRecord>* out) {
  std::string bn;
  std::optional<double> bt;
  std::optional<std::string> bu;
  std::optional<Value> bv;
  for (const SenmlRecord& r : in) {
    if (r.base_name) bn = *r.base_name;
    if (r.base_time) bt = r.base_time;
    if (r.base_unit) bu = r.base_unit;
    if (r.base_value) {
      if (!IsNumeric(*r.base_value)) return Err("base value is not a number", r.offset);
      bv = r.base_value;
    }
    SenmlRecord x;
    x.offset = r.offset;
    x.name = bn + r.name.value_or("");
    if (x.name->empty()) return Err("record without a name", r.offset);
    if (r.time || bt) x.time = bt.value_or(0.0) + r.time.value_or(0.0);
    x.unit = r.unit ? r.unit : bu;
    x.value = r.value;
    if (bv && IsNumeric(x.value)) x.value = AddBase(*bv, x.value);
    out->push_back(std::move(x));
  }
  return std::nullopt;
}

std::optional<CodecError> SenmlToRecords(std::span<const SenmlRecord> senml, const TypeResolver& types,
                                         std::vector<Record>* out) {
  std::vector<SenmlRecord> resolved;
  if (auto e = ResolveSenml(senml, &resolved)) return e;
  for (SenmlRecord& r : resolved) {
    auto path = Path::Parse(*r.name);
    if (!path) return Err("name is not an LwM2M path: " + *r.name, r.offset);
    Record rec;
    rec.path = *path;
    rec.time = r.time;
    if (!std::holds_alternative<std::monostate>(r.value)) {
      if (path->depth < 3) return Err("value for a path above resource level: " + *r.name, r.offset);
      const DataType want = types ? types(*path) : DataType::kNone;
      if (want != DataType::kNone && TypeOf(r.value) != want) {
        auto converted = ConvertValue(r.value, want);
        if (!converted) {
          return Err(std::string("value of type ") + DataTypeName(TypeOf(r.value)) + " does not fit resource " +
                         path->ToString() + " of type " + DataTypeName(want),
                     r.offset);
        }
        rec.value = std::move(*converted);
      } else {
        rec.value = std::move(r.value);
      }
    }
    out->push_back(std::move(rec));
  }
  return std::nullopt;
}

std::optional<CodecError> SenmlToPaths(std::span<const SenmlRecord> senml, std::vector<Path>* out) {
  std::vector<SenmlRecord> resolved;
  if (auto e = ResolveSenml(senml, &resolved)) return e;
  for (const SenmlRecord& r : resolved) {
    if (!std::holds_alternative<std::monostate>(r.value)) return Err("value in a path-only request", r.offset);
    auto path = Path::Parse(*r.name);
    if (!path) return Err("name is not an LwM2M path: " + *r.name, r.offset);
    out->push_back(*path);
  }
  return std::nullopt;
}

std::optional<CodecError> RecordsToSenml(const Path& base, std::span<const Record> records,
                                         std::vector<SenmlRecord>* out) {
  const bool single = records.size() == 1 && records[0].path == base && base.depth > 0;
  for (size_t k = 0; k < records.size(); ++k) {
    const Record& r = records[k];
    if (!base.Contains(r.path)) {
      return Err("record " + r.path.ToString() + " is not under " + base.ToString(), k);
    }
    SenmlRecord s;
    if (single) {
      s.base_name = base.ToString();
    } else if (base.depth == 0) {
      s.name = r.path.ToString();
    } else {
      if (k == 0) s.base_name = base.ToString() + "/";
      std::string rel;
      for (uint8_t d = base.depth; d < r.path.depth; ++d) {
        if (!rel.empty()) rel += '/';
        rel += std::to_string(r.path.ids[d]);
      }
      if (!rel.empty()) s.name = std::move(rel);
    }
    s.time = r.time;
    std::visit(
        [&s](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, Time>) {
            s.value = v.seconds;
          } else if constexpr (std::is_same_v<T, CoreLnk>) {
            s.value = v.text;
          } else {
            s.value = v;
          }
        },
        r.value);
    out->push_back(std::move(s));
  }
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
