// The safetensors format (huggingface/safetensors): u64 little-endian header size N, N bytes
// of JSON, then the data region; each tensor's data_offsets are relative to the data region.
#include <algorithm>
#include <cstring>
#include <limits>

#include "io/crc32c.h"
#include "io/json.h"
#include "io/stored_checkpoint.h"
#include "varflow/errors.h"

namespace varflow::io {

namespace {

// The safetensors library refuses headers above 100 MB; so do we, before allocating.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kCrcKey = "varflow_crc32c";

struct SafetensorsDType {
  const char* code;
  const char* numpy_name;
  size_t size;
  DType dtype;
};

// safetensors' dtype codes. Strings have none (safetensors stores fixed-size elements only)
// and neither has complex128, so the writer refuses those by name.
constexpr SafetensorsDType kDTypes[] = {
    {"F32", "float32", 4, DType::kFloat32},    {"F64", "float64", 8, DType::kFloat64},
    {"I32", "int32", 4, DType::kInt32},        {"I64", "int64", 8, DType::kInt64},
    {"BOOL", "bool", 1, DType::kBool},         {"F16", "float16", 2, DType::kFloat16},
    {"BF16", "bfloat16", 2, DType::kBFloat16}, {"I8", "int8", 1, DType::kInt8},
    {"U8", "uint8", 1, DType::kUInt8},         {"I16", "int16", 2, DType::kInt16},
    {"U16", "uint16", 2, DType::kUInt16},      {"U32", "uint32", 4, DType::kUInt32},
    {"U64", "uint64", 8, DType::kUInt64},      {"C64", "complex64", 8, DType::kComplex64},
};

const SafetensorsDType* find_dtype(const std::string& code) {
  for (const auto& d : kDTypes)
    if (code == d.code) return &d;
  return nullptr;
}

const char* code_of(DType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype && dtype != DType::kInvalid) return d.code;
  raise(ErrorCode::kInvalidArgument, "Cannot save a tensor of dtype ", dtype_name(dtype),
        " in a safetensors checkpoint (safetensors has no ", dtype_name(dtype), " type)");
}

uint64_t load_u64le(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  raise(ErrorCode::kDataLoss, "Corrupt checkpoint file ", path, ": ", why);
}

const Json* member(const Json& obj, const char* key) {
  for (const auto& kv : obj.object)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

StoredTensor parse_tensor(const std::string& name, const Json& info, uint64_t data_start,
                          uint64_t data_size, const std::string& path) {
  if (info.kind != Json::Kind::kObject)
    corrupt(path, "the entry of '" + name + "' is not an object");
  const Json* dtype = member(info, "dtype");
  const Json* shape = member(info, "shape");
  const Json* offsets = member(info, "data_offsets");
  if (!dtype || dtype->kind != Json::Kind::kString || !shape || shape->kind != Json::Kind::kArray ||
      !offsets || offsets->kind != Json::Kind::kArray || offsets->array.size() != 2)
    corrupt(path, "the entry of '" + name + "' needs dtype, shape and two data_offsets");
  StoredTensor t;
  t.entry.name = name;
  const SafetensorsDType* d = find_dtype(dtype->string);
  if (d) {
    t.entry.dtype = d->dtype;
    t.entry.dtype_name = d->numpy_name;
    t.element_size = d->size;
  } else {
    t.entry.dtype_name = dtype->string;
    t.unsupported = "safetensors dtype " + dtype->string;
  }
  for (const Json& dim : shape->array) {
    if (dim.kind != Json::Kind::kInteger ||
        dim.integer > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      corrupt(path, "the shape of '" + name + "' is not a list of non-negative integers");
    t.entry.dims.push_back(static_cast<int64_t>(dim.integer));
  }
  const int64_t count = checked_num_elements(t.entry.dims, name, path);
  for (const Json& o : offsets->array)
    if (o.kind != Json::Kind::kInteger) corrupt(path, "bad data_offsets for '" + name + "'");
  const uint64_t begin = offsets->array[0].integer, end = offsets->array[1].integer;
  if (begin > end) corrupt(path, "data_offsets of '" + name + "' are reversed");
  if (end > data_size)
    raise(ErrorCode::kDataLoss, "Checkpoint file ", path, " is truncated: tensor '", name,
          "' ends at data byte ", end, " but the file holds ", data_size, " data bytes");
  t.entry.nbytes = static_cast<int64_t>(end - begin);
  if (t.element_size &&
      (static_cast<uint64_t>(count) > std::numeric_limits<uint64_t>::max() / t.element_size ||
       static_cast<uint64_t>(count) * t.element_size != end - begin))
    corrupt(path, str_cat("tensor '", name, "' has ", end - begin, " bytes, not the ",
                          static_cast<uint64_t>(count) * t.element_size, " its shape needs"));
  t.offset = data_start + begin;
  return t;
}

}  // namespace

void read_safetensors_index(const std::string& path, StoredCheckpoint& out) {
  auto file = std::make_shared<ReadFile>(path);
  out.format = "safetensors";
  out.path = path;
  if (file->size() < 8)
    raise(ErrorCode::kDataLoss, "Checkpoint file ", path, " is truncated: ", file->size(),
          " bytes is too short for a safetensors file");
  unsigned char prefix[8];
  file->read(0, prefix, 8);
  const uint64_t header_size = load_u64le(prefix);
  if (header_size > kMaxHeaderBytes)
    corrupt(path, str_cat("header size ", header_size, " is over the 100 MB limit"));
  if (header_size > file->size() - 8)
    raise(ErrorCode::kDataLoss, "Checkpoint file ", path, " is truncated: its header needs ",
          header_size, " bytes but the file has ", file->size() - 8, " after the size");
  const std::string header = file->read_string(8, static_cast<size_t>(header_size));
  const Json doc = parse_json(header.data(), header.size(), path);
  if (doc.kind != Json::Kind::kObject) corrupt(path, "the header is not a JSON object");
  const uint64_t data_start = 8 + header_size;
  const uint64_t data_size = file->size() - data_start;
  for (const auto& [key, value] : doc.object) {
    if (key == "__metadata__") {
      if (value.kind != Json::Kind::kObject) corrupt(path, "__metadata__ is not an object");
      for (const auto& [mk, mv] : value.object) {
        if (mv.kind != Json::Kind::kString) corrupt(path, "__metadata__ values must be strings");
        out.metadata[mk] = mv.string;
      }
      continue;
    }
    out.tensors.push_back(parse_tensor(key, value, data_start, data_size, path));
  }
  std::sort(
      out.tensors.begin(), out.tensors.end(),
      [](const StoredTensor& a, const StoredTensor& b) { return a.entry.name < b.entry.name; });
  auto crcs = out.metadata.find(kCrcKey);
  if (crcs != out.metadata.end()) {
    const std::string& hex = crcs->second;
    if (hex.size() != 8 * out.tensors.size())
      corrupt(path, str_cat(kCrcKey, " holds ", hex.size(), " hex digits for ", out.tensors.size(),
                            " tensors"));
    for (size_t i = 0; i < out.tensors.size(); ++i) {
      uint32_t crc = 0;
      for (size_t j = 0; j < 8; ++j) {
        const char c = hex[8 * i + j];
        uint32_t v;
        if (c >= '0' && c <= '9')
          v = static_cast<uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f')
          v = static_cast<uint32_t>(c - 'a' + 10);
        else
          corrupt(path, str_cat(kCrcKey, " is not lower-case hex"));
        crc = (crc << 4) | v;
      }
      out.tensors[i].has_crc = true;
      out.tensors[i].crc = crc32c_unmask(crc);
    }
  }
  out.shard_paths = {path};
  out.shards = {file};
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  static const char* hex = "0123456789abcdef";
  // The checksums have a fixed width, so the header is laid out before they are known and
  // patched at the end: each tensor is checksummed chunk by chunk just before the chunk is
  // written, while it is still in cache, instead of in a separate pass over all the bytes.
  std::string header = "{\"__metadata__\":{";
  for (const auto& [k, v] : metadata) {
    if (k == kCrcKey) continue;
    append_json_string(header, k);
    header += ':';
    append_json_string(header, v);
    header += ',';
  }
  append_json_string(header, kCrcKey);
  header += ":\"";
  const size_t crc_at = header.size();
  header.append(8 * tensors.size(), '0');
  header += "\"}";
  uint64_t offset = 0;
  for (const TensorToWrite& t : tensors) {
    header += ',';
    append_json_string(header, t.name);
    header += ":{\"dtype\":\"";
    header += code_of(t.tensor->dtype());
    header += "\",\"shape\":[";
    for (size_t i = 0; i < t.tensor->dims().size(); ++i) {
      if (i) header += ',';
      header += std::to_string(t.tensor->dims()[i]);
    }
    const uint64_t end = offset + t.tensor->nbytes();
    header += str_cat("],\"data_offsets\":[", offset, ",", end, "]}");
    offset = end;
  }
  header += '}';
  // Pad with spaces as the safetensors library does, so the data starts 8-byte aligned.
  header.append((8 - header.size() % 8) % 8, ' ');
  unsigned char size_le[8];
  for (int i = 0; i < 8; ++i) size_le[i] = static_cast<unsigned char>(header.size() >> (8 * i));
  AtomicFileWriter writer(path);
  writer.append(size_le, 8);
  writer.append(header.data(), header.size());
  constexpr size_t kChunk = 2 << 20;
  for (size_t k = 0; k < tensors.size(); ++k) {
    const char* p = static_cast<const char*>(tensors[k].tensor->raw());
    const size_t n = tensors[k].tensor->nbytes();
    uint32_t crc = 0;
    for (size_t done = 0; done < n; done += kChunk) {
      const size_t len = std::min(kChunk, n - done);
      crc = crc32c_extend(crc, p + done, len);
      writer.append(p + done, len);
    }
    const uint32_t masked = crc32c_mask(crc);
    for (int j = 0; j < 8; ++j) header[crc_at + 8 * k + j] = hex[(masked >> (28 - 4 * j)) & 0xf];
  }
  writer.write_at(8 + crc_at, header.data() + crc_at, 8 * tensors.size());
  writer.commit();
}

}  // namespace varflow::io
