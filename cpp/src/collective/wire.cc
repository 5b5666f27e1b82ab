#include "collective/wire.h"

#include <algorithm>
#include <cstring>

namespace varflow::collective {

namespace {

struct Writer {
  std::vector<char> out;
  template <typename T>
  void put(T v) {
    const char* p = reinterpret_cast<const char*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  void text(const std::string& s) {
    put(static_cast<uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
};

struct Reader {
  const char* p;
  const char* end;
  template <typename T>
  T get() {
    VF_CHECK(static_cast<size_t>(end - p) >= sizeof(T), ErrorCode::kInternal,
             "Truncated collective negotiation message");
    T v;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    return v;
  }
  std::string text() {
    const uint32_t n = get<uint32_t>();
    VF_CHECK(static_cast<size_t>(end - p) >= n, ErrorCode::kInternal,
             "Truncated collective negotiation message");
    std::string s(p, n);
    p += n;
    return s;
  }
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kAllreduce:
      return "allreduce";
    case Kind::kAllgather:
      return "allgather";
    case Kind::kBroadcast:
      return "broadcast";
  }
  return "?";
}

template <typename F>
std::string by_rank_text(const std::vector<std::optional<Meta>>& by_rank, F describe) {
  std::string s;
  for (size_t k = 0; k < by_rank.size(); ++k)
    s += (k ? ", rank " : "rank ") + std::to_string(k) + " " + describe(*by_rank[k]);
  return s;
}

}  // namespace

bool operator==(const Meta& a, const Meta& b) {
  return a.kind == b.kind && a.dtype == b.dtype && a.op == b.op && a.root == b.root &&
         a.dims == b.dims;
}

std::vector<char> encode(const Message& m) {
  Writer w;
  w.put<uint8_t>(m.stop ? 1 : 0);
  w.put(static_cast<uint32_t>(m.announced.size()));
  for (const auto& [name, meta] : m.announced) {
    w.text(name);
    w.put(static_cast<uint8_t>(meta.kind));
    w.put(static_cast<int8_t>(meta.dtype));
    w.put(static_cast<int32_t>(meta.op));
    w.put(static_cast<int32_t>(meta.root));
    w.put(static_cast<uint32_t>(meta.dims.size()));
    for (int64_t d : meta.dims) w.put(d);
  }
  w.put(static_cast<uint32_t>(m.cached.size()));
  for (uint32_t id : m.cached) w.put(id);
  w.put(static_cast<uint32_t>(m.stalled.size()));
  for (const auto& [name, text] : m.stalled) {
    w.text(name);
    w.text(text);
  }
  return std::move(w.out);
}

Message decode(const char* data, size_t size) {
  Reader r{data, data + size};
  Message m;
  m.stop = r.get<uint8_t>() != 0;
  const uint32_t n = r.get<uint32_t>();
  for (uint32_t i = 0; i < n; ++i) {
    std::string name = r.text();
    Meta meta;
    meta.kind = static_cast<Kind>(r.get<uint8_t>());
    meta.dtype = static_cast<DType>(r.get<int8_t>());
    meta.op = static_cast<ReduceOp>(r.get<int32_t>());
    meta.root = r.get<int32_t>();
    const uint32_t rank = r.get<uint32_t>();
    for (uint32_t d = 0; d < rank; ++d) meta.dims.push_back(r.get<int64_t>());
    m.announced.emplace_back(std::move(name), std::move(meta));
  }
  const uint32_t cached = r.get<uint32_t>();
  for (uint32_t i = 0; i < cached; ++i) m.cached.push_back(r.get<uint32_t>());
  const uint32_t stalled = r.get<uint32_t>();
  for (uint32_t i = 0; i < stalled; ++i) {
    std::string name = r.text();
    m.stalled.emplace_back(std::move(name), r.text());
  }
  return m;
}

std::string validate(const std::string& name, const std::vector<std::optional<Meta>>& by_rank,
                     int size) {
  const Meta& first = *by_rank[0];
  bool kinds = true, dtypes = true, shapes = true, ops = true, roots = true;
  for (const auto& m : by_rank) {
    kinds = kinds && m->kind == first.kind;
    dtypes = dtypes && m->dtype == first.dtype;
    ops = ops && m->op == first.op;
    roots = roots && m->root == first.root;
    if (first.kind == Kind::kAllgather) {
      shapes = shapes && m->dims.size() == first.dims.size() && !m->dims.empty() &&
               std::equal(m->dims.begin() + 1, m->dims.end(), first.dims.begin() + 1);
    } else {
      shapes = shapes && m->dims == first.dims;
    }
  }
  const std::string tensor = " for tensor '" + name + "': ";
  if (!kinds)
    return "Mismatched collective operations: the ranks did different collectives" + tensor +
           by_rank_text(by_rank, [](const Meta& m) { return std::string(kind_name(m.kind)); });
  const std::string what = kind_name(first.kind);
  if (!dtypes)
    return "Mismatched data types: the ranks sent different dtypes to " + what + tensor +
           by_rank_text(by_rank, [](const Meta& m) { return std::string(dtype_name(m.dtype)); });
  if (!shapes)
    return "Mismatched " + what + " tensor shapes: the ranks sent tensors of different shapes" +
           (first.kind == Kind::kAllgather ? " (beyond the first dimension)" : "") + tensor +
           by_rank_text(by_rank, [](const Meta& m) { return dims_to_string(m.dims); });
  if (first.kind == Kind::kAllreduce && !ops)
    return "Mismatched allreduce reduction ops" + tensor + by_rank_text(by_rank, [](const Meta& m) {
             return std::string(m.op == ReduceOp::kSum ? "Sum" : "Average");
           });
  if (first.kind == Kind::kBroadcast) {
    if (!roots)
      return "Mismatched broadcast root ranks" + tensor +
             by_rank_text(by_rank, [](const Meta& m) { return std::to_string(m.root); });
    if (first.root < 0 || first.root >= size)
      return "Broadcast root rank " + std::to_string(first.root) + " is out of range for " +
             std::to_string(size) + " ranks" + tensor.substr(0, tensor.size() - 2);
  }
  return "";
}

}  // namespace varflow::collective
