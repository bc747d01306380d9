// LwM2M CBOR (lwm2m_cbor.h).
#include "lwm2m/lwm2m_cbor.h"

#include <algorithm>
#include <map>
#include <memory>

#include "lwm2m/cbor.h"
#include "lwm2m/cbor_value.h"

namespace lwcl::lwm2m {
namespace {

using cbor::Item;

CodecError Err(std::string message, size_t offset) { return CodecError{std::move(message), offset}; }

std::optional<CodecError> KeyIds(const Item& key, std::vector<uint16_t>* ids) {
  auto one = [&](const Item& k) -> std::optional<CodecError> {
    auto v = k.AsUint();
    if (!v || *v >= kInvalidId) return Err("path key must be an ID below 65535", k.offset);
    ids->push_back(static_cast<uint16_t>(*v));
    return std::nullopt;
  };
  if (key.kind == Item::Kind::kArray) {
    if (key.children.empty()) return Err("empty path key", key.offset);
    for (const Item& k : key.children) {
      if (auto e = one(k)) return e;
    }
    return std::nullopt;
  }
  return one(key);
}

struct Decoder {
  const TypeResolver& types;
  std::vector<Record>* out;
  std::vector<size_t> offsets;  // per output record, for duplicate errors

  std::optional<CodecError> Emit(const Path& path, const Item& item) {
    Record r;
    r.path = path;
    if (auto e = CborToValue(item, &r.value)) return e;
    if (!std::holds_alternative<std::monostate>(r.value)) {
      if (path.depth < 3) return Err("value above resource level at " + path.ToString(), item.offset);
      if (auto e = TypeValue(path, types ? types(path) : DataType::kNone, item.offset, &r.value)) return e;
    }
    out->push_back(std::move(r));
    offsets.push_back(item.offset);
    return std::nullopt;
  }

  std::optional<CodecError> Map(const Item& map, const Path& prefix) {
    if (map.map_size() == 0) {
      // An empty instance (or resource): a record without a value.
      if (prefix.depth == 0) return std::nullopt;
      out->push_back(Record{prefix, std::monostate{}, std::nullopt});
      offsets.push_back(map.offset);
      return std::nullopt;
    }
    for (size_t i = 0; i < map.map_size(); ++i) {
      std::vector<uint16_t> ids;
      if (auto e = KeyIds(map.key(i), &ids)) return e;
      if (prefix.depth + ids.size() > 4) return Err("path deeper than 4 levels", map.key(i).offset);
      Path p = prefix;
      for (uint16_t id : ids) p = p.Child(id);
      const Item& v = map.value(i);
      if (v.kind == Item::Kind::kMap) {
        if (auto e = Map(v, p)) return e;
      } else {
        if (auto e = Emit(p, v)) return e;
      }
    }
    return std::nullopt;
  }
};

// Encoder tree: one node per path level below the base.
struct Node {
  std::map<uint16_t, std::unique_ptr<Node>> children;
  const Record* leaf = nullptr;
};

void WriteLeaf(const Record& r, cbor::Writer* w) {
  // A value-less instance is an empty map; a value-less resource is null.
  if (std::holds_alternative<std::monostate>(r.value) && r.path.depth < 3) {
    w->MapHeader(0);
  } else {
    WriteCborValue(r.value, w);
  }
}

void WriteNode(const Node& n, cbor::Writer* w) {
  if (n.leaf) {
    WriteLeaf(*n.leaf, w);
    return;
  }
  w->MapHeader(n.children.size());
  for (const auto& [id, child] : n.children) {
    w->Uint(id);
    WriteNode(*child, w);
  }
}

}  // namespace

std::optional<CodecError> DecodeLwm2mCbor(std::span<const uint8_t> payload, const TypeResolver& types,
                                          std::vector<Record>* out) {
  Item doc;
  if (auto e = cbor::Parse(payload, &doc)) return e;
  if (doc.kind != Item::Kind::kMap) return Err("LwM2M CBOR payload must be a map", doc.offset);
  const size_t first = out->size();
  Decoder d{types, out, {}};
  if (auto e = d.Map(doc, Path::Root())) return e;
  // The same path given twice (e.g. once nested, once as a path-array key)
  // has no single meaning.
  std::vector<size_t> order(out->size() - first);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto path_of = [&](size_t i) { return (*out)[first + i].path; };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return path_of(a) < path_of(b); });
  for (size_t i = 1; i < order.size(); ++i) {
    const Path a = path_of(order[i - 1]), b = path_of(order[i]);
    if (a.Contains(b)) {
      return Err("path " + b.ToString() + " given more than once", d.offsets[std::max(order[i - 1], order[i])]);
    }
  }
  return std::nullopt;
}

std::optional<CodecError> EncodeLwm2mCbor(const Path& base, std::span<const Record> records,
                                          std::vector<uint8_t>* out) {
  Node root;
  for (size_t k = 0; k < records.size(); ++k) {
    const Record& r = records[k];
    if (!base.Contains(r.path)) return Err("record " + r.path.ToString() + " is not under " + base.ToString(), k);
    Node* n = &root;
    for (uint8_t d = base.depth; d < r.path.depth; ++d) {
      if (n->leaf) return Err("record " + r.path.ToString() + " lies below another record's value", k);
      auto& child = n->children[r.path.ids[d]];
      if (!child) child = std::make_unique<Node>();
      n = child.get();
    }
    if (n->leaf || !n->children.empty()) return Err("record " + r.path.ToString() + " given more than once", k);
    n->leaf = &r;
  }
  cbor::Writer w(out);
  if (base.depth == 0) {
    if (root.leaf) return Err("a record cannot stand for the root", 0);
    WriteNode(root, &w);
    return std::nullopt;
  }
  w.MapHeader(records.empty() ? 0 : 1);
  if (records.empty()) return std::nullopt;
  if (base.depth == 1) {
    w.Uint(base.ids[0]);
  } else {
    w.ArrayHeader(base.depth);
    for (uint8_t d = 0; d < base.depth; ++d) w.Uint(base.ids[d]);
  }
  WriteNode(root, &w);
  return std::nullopt;
}

}  // namespace lwcl::lwm2m
