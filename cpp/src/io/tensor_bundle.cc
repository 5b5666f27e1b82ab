// TensorFlow's V2 checkpoint ("tensor bundle"), read without TensorFlow:
//   <prefix>.index   a LevelDB-format table: data blocks of prefix-compressed entries, an
//                    index block of BlockHandles, a 48-byte footer ending in a magic number;
//                    every block followed by a type byte and the masked CRC32C of both.
//                    Key "" holds a BundleHeaderProto; every other key a BundleEntryProto.
//   <prefix>.data-SSSSS-of-NNNNN  the raw little-endian tensor bytes at each entry's offset.
// Everything read is untrusted: lengths are checked against what holds them before use.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "io/crc32c.h"
#include "io/json.h"
#include "io/stored_checkpoint.h"
#include "varflow/errors.h"

namespace varflow::io {

namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
constexpr size_t kFooterSize = 48;  // two BlockHandles padded to 40 bytes, then the magic
constexpr size_t kBlockTrailer = 5;
constexpr int kMaxShards = 1 << 20;

// A bounded cursor over bytes; every read that would pass the end fails with `fail`.
class Cursor {
 public:
  Cursor(const char* p, size_t n) : p_(p), end_(p + n) {}
  bool done() const { return p_ == end_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ != end_; shift += 7) {
      const auto b = static_cast<unsigned char>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool fixed32(uint32_t& v) {
    if (left() < 4) return false;
    v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p_[i]);
    p_ += 4;
    return true;
  }
  bool bytes(size_t n, const char*& out) {
    if (left() < n) return false;
    out = p_;
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

class IndexReader {
 public:
  explicit IndexReader(const std::string& path) : file_(path) {}

  // Calls fn(key, value) for every entry of the table, in order.
  template <typename Fn>
  void for_each(Fn&& fn) {
    if (file_.size() < kFooterSize)
      corrupt("file is too short to be an sstable (" + std::to_string(file_.size()) + " bytes)");
    const std::string footer = file_.read_string(file_.size() - kFooterSize, kFooterSize);
    Cursor magic(footer.data() + 40, 8);
    uint32_t lo = 0, hi = 0;
    magic.fixed32(lo);
    magic.fixed32(hi);
    if ((static_cast<uint64_t>(hi) << 32 | lo) != kTableMagic)
      corrupt("not an sstable (bad magic number)");
    Cursor handles(footer.data(), 40);
    uint64_t meta_offset, meta_size, index_offset, index_size;
    if (!handles.varint(meta_offset) || !handles.varint(meta_size) ||
        !handles.varint(index_offset) || !handles.varint(index_size))
      corrupt("bad block handle in the footer");
    const std::string index = read_block(index_offset, index_size);
    for_each_in_block(index, [&](const std::string&, const char* v, size_t n) {
      Cursor c(v, n);
      uint64_t offset, size;
      if (!c.varint(offset) || !c.varint(size)) corrupt("bad block handle in the index");
      const std::string block = read_block(offset, size);
      for_each_in_block(block, [&](const std::string& key, const char* value, size_t vn) {
        fn(key, std::string(value, vn));
      });
    });
  }

  [[noreturn]] void corrupt(const std::string& why) const {
    raise(ErrorCode::kDataLoss, "Unable to read checkpoint index ", file_.path(),
          ": the file is corrupt or truncated (", why, ")");
  }

 private:
  std::string read_block(uint64_t offset, uint64_t size) {
    if (offset > file_.size() || size > file_.size() - offset ||
        kBlockTrailer > file_.size() - offset - size)
      corrupt(str_cat("block at ", offset, " of ", size, " bytes is outside the file"));
    // A well-formed table reads each block once; an index pointing at one block many times
    // would otherwise make a small file cost unbounded reads.
    read_bytes_ += size + kBlockTrailer;
    if (read_bytes_ > file_.size()) corrupt("index blocks overlap");
    std::string block = file_.read_string(offset, static_cast<size_t>(size) + kBlockTrailer);
    Cursor trailer(block.data() + size + 1, 4);
    uint32_t masked = 0;
    trailer.fixed32(masked);
    if (crc32c(block.data(), static_cast<size_t>(size) + 1) != crc32c_unmask(masked))
      corrupt("block checksum mismatch");
    if (block[size] != 0)
      raise(ErrorCode::kUnimplemented, "Checkpoint index ", file_.path(),
            " uses a compressed block (type ", static_cast<int>(block[size]),
            "); only uncompressed TensorFlow checkpoints can be read");
    block.resize(static_cast<size_t>(size));
    return block;
  }

  template <typename Fn>
  void for_each_in_block(const std::string& block, Fn&& fn) {
    if (block.size() < 4) corrupt("block too small");
    Cursor tail(block.data() + block.size() - 4, 4);
    uint32_t num_restarts = 0;
    tail.fixed32(num_restarts);
    if (num_restarts > (block.size() - 4) / 4) corrupt("bad restart count in block");
    const size_t limit = block.size() - 4 * (static_cast<size_t>(num_restarts) + 1);
    Cursor c(block.data(), limit);
    std::string key;
    while (!c.done()) {
      uint64_t shared, non_shared, value_size;
      const char *delta, *value;
      if (!c.varint(shared) || !c.varint(non_shared) || !c.varint(value_size) ||
          shared > key.size() || !c.bytes(static_cast<size_t>(non_shared), delta) ||
          !c.bytes(static_cast<size_t>(value_size), value))
        corrupt("bad entry in block");
      key.resize(static_cast<size_t>(shared));
      key.append(delta, static_cast<size_t>(non_shared));
      fn(key, value, static_cast<size_t>(value_size));
    }
  }

  ReadFile file_;
  uint64_t read_bytes_ = 0;
};

// TensorFlow's DataType enum: NumPy name, element size, varflow dtype.
struct TfDType {
  int code;
  const char* name;
  size_t size;
  DType dtype;
};
constexpr TfDType kTfDTypes[] = {
    {1, "float32", 4, DType::kFloat32},
    {2, "float64", 8, DType::kFloat64},
    {3, "int32", 4, DType::kInt32},
    {4, "uint8", 1, DType::kUInt8},
    {5, "int16", 2, DType::kInt16},
    {6, "int8", 1, DType::kInt8},
    {7, "string", 0, DType::kInvalid},
    {8, "complex64", 8, DType::kComplex64},
    {9, "int64", 8, DType::kInt64},
    {10, "bool", 1, DType::kBool},
    {14, "bfloat16", 2, DType::kBFloat16},
    {17, "uint16", 2, DType::kUInt16},
    {18, "complex128", 16, DType::kComplex128},
    {19, "float16", 2, DType::kFloat16},
    {20, "resource", 0, DType::kInvalid},
    {21, "variant", 0, DType::kInvalid},
    {22, "uint32", 4, DType::kUInt32},
    {23, "uint64", 8, DType::kUInt64},
};

struct WireField {
  uint64_t number = 0;
  int type = 0;
  uint64_t varint = 0;
  uint32_t fixed32 = 0;
  const char* data = nullptr;
  size_t size = 0;
};

// Reads the next protobuf field; false at the end; kDataLoss via `bad` for malformed bytes.
template <typename Bad>
bool next_field(Cursor& c, WireField& f, Bad&& bad) {
  if (c.done()) return false;
  uint64_t tag;
  if (!c.varint(tag)) bad();
  f.number = tag >> 3;
  f.type = static_cast<int>(tag & 7);
  switch (f.type) {
    case 0:
      if (!c.varint(f.varint)) bad();
      break;
    case 1: {
      const char* skip;
      if (!c.bytes(8, skip)) bad();
      break;
    }
    case 2: {
      uint64_t n;
      if (!c.varint(n) || n > c.left() || !c.bytes(static_cast<size_t>(n), f.data)) bad();
      f.size = static_cast<size_t>(n);
      break;
    }
    case 5:
      if (!c.fixed32(f.fixed32)) bad();
      break;
    default:
      bad();
  }
  return true;
}

}  // namespace

// TensorFlow's key for one slice of a tensor (checkpoint::EncodeTensorNameSlice) begins with
// OrderedCode's encodings of 0, the name and the rank; the starts and lengths that follow are
// order-preserving, so a tensor's slice keys sort as its slices (start, length per dimension,
// length -1 for a whole dimension) do.
std::string slice_key_prefix(const std::string& name, size_t rank) {
  std::string key(1, '\0');     // WriteNumIncreasing(0)
  for (const char ch : name) {  // WriteString: 0x00 -> 00 ff, 0xff -> ff 00, then 00 01
    key += ch;
    if (ch == '\0') key += '\xff';
    if (ch == '\xff') key += '\0';
  }
  key += std::string("\0\x01", 2);
  std::string digits;  // WriteNumIncreasing(rank): its length byte, then big-endian bytes
  for (size_t v = rank; v > 0; v >>= 8) digits.insert(digits.begin(), static_cast<char>(v & 0xff));
  key += static_cast<char>(digits.size());
  return key + digits;
}

void read_tensor_bundle_index(const std::string& prefix, StoredCheckpoint& out) {
  const std::string path = prefix + ".index";
  IndexReader index(path);
  out.format = "tensor_bundle";
  out.path = path;
  int64_t num_shards = -1;
  bool seen_header = false;
  std::vector<StoredTensor> slice_entries;  // in key order, as the table holds them
  std::map<std::string, std::vector<std::vector<std::pair<int64_t, int64_t>>>> extents_of;
  index.for_each([&](const std::string& key, const std::string& value) {
    const bool slice_entry = !key.empty() && key[0] == '\0';
    if (!slice_entry && !valid_utf8(key)) index.corrupt("a key is not valid UTF-8");
    const auto bad = [&] { index.corrupt("entry for key '" + key + "' not parseable"); };
    Cursor c(value.data(), value.size());
    WireField f;
    if (key.empty()) {
      seen_header = true;
      num_shards = 1;  // proto3 default when the field is absent
      while (next_field(c, f, bad)) {
        if (f.number == 1 && f.type == 0) num_shards = static_cast<int64_t>(f.varint);
        if (f.number == 2 && f.type == 0 && f.varint != 0)
          raise(ErrorCode::kUnimplemented, "Checkpoint ", path,
                " was written on a big-endian machine; only little-endian bundles are read");
      }
      if (num_shards < 1 || num_shards > kMaxShards)
        index.corrupt("bad shard count " + std::to_string(num_shards));
      return;
    }
    StoredTensor t;
    t.entry.name = key;
    int64_t dtype_code = 0, shard = 0;
    uint64_t offset = 0, size = 0;
    bool slices = false;
    std::vector<std::vector<std::pair<int64_t, int64_t>>> extents;
    while (next_field(c, f, bad)) {
      switch (f.number) {
        case 1:
          dtype_code = static_cast<int64_t>(f.varint);
          break;
        case 2: {  // TensorShapeProto: repeated Dim dim = 2 {int64 size = 1}; unknown_rank = 3
          if (f.type != 2) bad();
          Cursor sc(f.data, f.size);
          WireField sf;
          while (next_field(sc, sf, bad)) {
            if (sf.number == 3 && sf.type == 0 && sf.varint) bad();
            if (sf.number != 2 || sf.type != 2) continue;
            Cursor dc(sf.data, sf.size);
            WireField df;
            int64_t dim = 0;
            while (next_field(dc, df, bad))
              if (df.number == 1 && df.type == 0) dim = static_cast<int64_t>(df.varint);
            if (dim < 0) bad();
            t.entry.dims.push_back(dim);
          }
          break;
        }
        case 3:
          shard = static_cast<int64_t>(f.varint);
          break;
        case 4:
          offset = f.varint;
          break;
        case 5:
          size = f.varint;
          break;
        case 6:
          if (f.type != 5) bad();
          t.has_crc = true;
          t.crc = crc32c_unmask(f.fixed32);
          break;
        case 7: {  // TensorSliceProto: repeated Extent extent = 1 {int64 start = 1; length = 2}
          if (f.type != 2) bad();
          slices = true;
          std::vector<std::pair<int64_t, int64_t>> extent;
          Cursor sc(f.data, f.size);
          WireField sf;
          while (next_field(sc, sf, bad)) {
            if (sf.number != 1 || sf.type != 2) continue;
            Cursor ec(sf.data, sf.size);
            WireField ef;
            int64_t start = 0, length = -1;  // no length: the whole dimension
            while (next_field(ec, ef, bad)) {
              if (ef.number == 1 && ef.type == 0) start = static_cast<int64_t>(ef.varint);
              if (ef.number == 2 && ef.type == 0) length = static_cast<int64_t>(ef.varint);
            }
            extent.emplace_back(start, length);
          }
          extents.push_back(std::move(extent));
          break;
        }
        default:
          break;
      }
    }
    const TfDType* d = nullptr;
    for (const auto& candidate : kTfDTypes)
      if (candidate.code == dtype_code) d = &candidate;
    if (d) {
      t.entry.dtype = d->dtype;
      t.entry.dtype_name = d->name;
      t.element_size = d->size;
      if (!d->size) t.unsupported = std::string("TensorFlow dtype ") + d->name;
    } else {
      t.entry.dtype_name = "tf_dtype_" + std::to_string(dtype_code);
      t.unsupported = "TensorFlow dtype enum " + std::to_string(dtype_code);
    }
    const int64_t count = checked_num_elements(t.entry.dims, key, path);
    if (slices) {
      // Assembled from its slice entries below; its own entry has no bytes.
      extents_of[key] = std::move(extents);
      t.entry.nbytes = 0;
      t.shard = 0;
      t.offset = 0;
      out.tensors.push_back(std::move(t));
      return;
    }
    t.entry.nbytes = static_cast<int64_t>(
        std::min<uint64_t>(size, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
    if (t.element_size) {
      if (static_cast<uint64_t>(count) > std::numeric_limits<uint64_t>::max() / t.element_size ||
          static_cast<uint64_t>(count) * t.element_size != size)
        index.corrupt(str_cat("invalid size in bundle entry '", key, "': ", size, " bytes for ",
                              count, " elements of ", t.entry.dtype_name));
    }
    if (shard < 0) index.corrupt("negative shard id for '" + key + "'");
    t.shard = static_cast<int>(std::min<int64_t>(shard, kMaxShards));
    t.offset = offset;
    if (slice_entry)
      slice_entries.push_back(std::move(t));
    else
      out.tensors.push_back(std::move(t));
  });
  if (!seen_header) index.corrupt("failed to seek to header entry");
  for (StoredTensor& t : out.tensors) {
    auto found = extents_of.find(t.entry.name);
    if (found == extents_of.end()) continue;
    auto extents = found->second;
    const size_t rank = t.entry.dims.size();
    for (const auto& e : extents)
      if (e.size() != rank)
        index.corrupt("a slice of '" + t.entry.name + "' has the wrong number of dimensions");
    std::sort(extents.begin(), extents.end());
    const std::string key_prefix = slice_key_prefix(t.entry.name, rank);
    std::vector<StoredTensor*> parts;
    for (StoredTensor& s : slice_entries)
      if (s.entry.name.compare(0, key_prefix.size(), key_prefix) == 0) parts.push_back(&s);
    if (parts.size() != extents.size())
      index.corrupt(str_cat("'", t.entry.name, "' lists ", extents.size(), " slices but ",
                            parts.size(), " are stored"));
    int64_t covered = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      StoredTensor& part = *parts[i];
      std::vector<int64_t> starts;
      Dims lengths;
      for (size_t d = 0; d < rank; ++d) {
        const auto [start, length] = extents[i][d];
        const int64_t len = length < 0 ? t.entry.dims[d] : length;
        if (start < 0 || len < 0 || start > t.entry.dims[d] || len > t.entry.dims[d] - start)
          index.corrupt("a slice of '" + t.entry.name + "' is outside its shape");
        starts.push_back(length < 0 ? 0 : start);
        lengths.push_back(len);
      }
      if (part.entry.dims != lengths || part.entry.dtype_name != t.entry.dtype_name)
        index.corrupt("a slice of '" + t.entry.name + "' does not match its listed extent");
      if (!part.unsupported.empty()) t.unsupported = part.unsupported;
      covered += checked_num_elements(lengths, t.entry.name, path);
      part.entry.name = str_cat(t.entry.name, " (slice ", i, ")");
      t.slices.push_back(part);
      t.slice_starts.push_back(std::move(starts));
    }
    if (covered != checked_num_elements(t.entry.dims, t.entry.name, path))
      index.corrupt("the slices of '" + t.entry.name + "' do not cover it");
    t.entry.nbytes = static_cast<int64_t>(static_cast<uint64_t>(covered) * t.element_size);
  }
  for (const StoredTensor& t : out.tensors) {
    if (t.shard >= num_shards) index.corrupt("shard id of '" + t.entry.name + "' out of range");
    for (const StoredTensor& part : t.slices)
      if (part.shard >= num_shards)
        index.corrupt("shard id of '" + part.entry.name + "' out of range");
  }
  std::sort(
      out.tensors.begin(), out.tensors.end(),
      [](const StoredTensor& a, const StoredTensor& b) { return a.entry.name < b.entry.name; });
  for (int64_t s = 0; s < num_shards; ++s) {
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", static_cast<int>(s),
                  static_cast<int>(num_shards));
    out.shard_paths.push_back(prefix + suffix);
  }
  out.shards.resize(out.shard_paths.size());
}

}  // namespace varflow::io
