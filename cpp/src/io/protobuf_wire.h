// Protocol Buffers' binary wire format, read and written by hand: varint, zigzag, fixed32/64
// and length-delimited fields (https://protobuf.dev/programming-guides/encoding/).
//
// Why not a library: the C++ core must read and write GraphDefs and MetaGraphDefs without
// Python, and no PyPI wheel ships protobuf's C++ runtime (the `protobuf` wheel is upb-based
// Python only, `grpcio-tools` links libprotobuf into its compiler module without headers, and
// `nanopb` ships the generator without its C runtime), while every dependency must install
// from PyPI. The handful of messages varflow needs are mapped onto this reader in graph_def_proto.
//
// The reader never trusts the bytes: every length is checked against what is left, varints
// longer than 10 bytes and unknown wire types are rejected, and every failure is a kDataLoss
// Error naming what was being read and the byte offset, never a read past the buffer.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "varflow/errors.h"

namespace varflow::io::pb {

enum WireType : int { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Reads the fields of one message. Usage:
//   WireReader r(bytes, "GraphDef");
//   while (r.next()) switch (r.field()) { case 1: ...r.message()...; default: r.skip(); }
// Thread-safety: a reader is used by one thread; it only reads `data`, which must outlive it.
class WireReader {
 public:
  WireReader(std::string_view data, std::string what, size_t base_offset = 0)
      : data_(data), what_(std::move(what)), base_(base_offset) {}

  // Advances to the next field's tag; false at the end of the message. kDataLoss for a bad
  // tag (field number 0, a wire type protobuf does not have, groups).
  bool next();
  int field() const { return field_; }
  int wire_type() const { return wire_type_; }

  // The current field's value. Each checks the wire type (kDataLoss on a mismatch).
  uint64_t varint();
  int64_t int64() { return static_cast<int64_t>(varint()); }
  int32_t int32() { return static_cast<int32_t>(varint()); }  // proto's int32 and enums
  bool boolean() { return varint() != 0; }
  uint32_t fixed32();
  uint64_t fixed64();
  float float32();
  double float64();
  std::string_view bytes();  // a length-delimited field (string, bytes, message, packed)
  std::string string() { return std::string(bytes()); }
  // A nested message: a reader over its bytes, naming it in errors.
  WireReader message(const char* what);
  // Skips the current field, whatever it is.
  void skip();

  // Repeated scalars, packed (proto3's default) or not: calls add(value) for each.
  template <typename Fn>
  void repeated_varint(Fn add) {
    if (wire_type_ == kLengthDelimited) {
      WireReader packed(bytes(), what_, base_ + pos_);
      while (!packed.at_end()) add(packed.raw_varint());
    } else {
      add(varint());
    }
  }
  template <typename Fn>
  void repeated_fixed32(Fn add) {
    if (wire_type_ == kLengthDelimited) {
      std::string_view b = bytes();
      if (b.size() % 4) fail("a packed fixed32 field of ", b.size(), " bytes");
      for (size_t i = 0; i < b.size(); i += 4) add(load32(b.data() + i));
    } else {
      add(fixed32());
    }
  }
  template <typename Fn>
  void repeated_fixed64(Fn add) {
    if (wire_type_ == kLengthDelimited) {
      std::string_view b = bytes();
      if (b.size() % 8) fail("a packed fixed64 field of ", b.size(), " bytes");
      for (size_t i = 0; i < b.size(); i += 8) add(load64(b.data() + i));
    } else {
      add(fixed64());
    }
  }

  bool at_end() const { return pos_ >= data_.size(); }
  // A kDataLoss naming the message, the field and the offset.
  template <typename... Parts>
  [[noreturn]] void fail(const Parts&... parts) const {
    raise(ErrorCode::kDataLoss, "Corrupt ", what_, " (field ", field_, ", byte ", base_ + pos_,
          "): ", parts...);
  }

  static uint32_t load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);  // the wire is little-endian, as is every host varflow builds for
    return v;
  }
  static uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }

 private:
  uint64_t raw_varint();
  void expect(int wire_type, const char* kind);

  std::string_view data_;
  std::string what_;
  size_t base_ = 0;  // offset of data_ in the outermost message, for messages
  size_t pos_ = 0;
  int field_ = 0;
  int wire_type_ = 0;
};

// Appends fields to a message. Proto3 leaves scalars at their default out; the callers decide
// (the *_if_set helpers), so that a oneof member at zero is still written.
// Thread-safety: one writer per thread.
class WireWriter {
 public:
  void tag(int field, WireType type) { raw_varint((static_cast<uint64_t>(field) << 3) | type); }
  void varint(int field, uint64_t value) {
    tag(field, kVarint);
    raw_varint(value);
  }
  void int64(int field, int64_t value) { varint(field, static_cast<uint64_t>(value)); }
  // Negative int32s and enums are sign-extended to 10 bytes, as protobuf writes them.
  void int32(int field, int32_t value) { int64(field, value); }
  void boolean(int field, bool value) { varint(field, value ? 1 : 0); }
  void float32(int field, float value) {
    tag(field, kFixed32);
    append(&value, 4);
  }
  void float64(int field, double value) {
    tag(field, kFixed64);
    append(&value, 8);
  }
  void bytes(int field, std::string_view value) {
    tag(field, kLengthDelimited);
    raw_varint(value.size());
    out_.append(value.data(), value.size());
  }
  void message(int field, const WireWriter& nested) { bytes(field, nested.out_); }

  void string_if_set(int field, std::string_view value) {
    if (!value.empty()) bytes(field, value);
  }
  void int64_if_set(int field, int64_t value) {
    if (value) int64(field, value);
  }
  void bool_if_set(int field, bool value) {
    if (value) boolean(field, value);
  }

  void raw_varint(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void append(const void* data, size_t n) { out_.append(static_cast<const char*>(data), n); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }
  bool empty() const { return out_.empty(); }

 private:
  std::string out_;
};

// Packed repeated fields (proto3's encoding): one length-delimited field of raw values.
template <typename T, typename Fn>
void write_packed(WireWriter& w, int field, const T& values, Fn write_one) {
  if (values.empty()) return;
  WireWriter packed;
  for (const auto& v : values) write_one(packed, v);
  w.bytes(field, packed.str());
}

}  // namespace varflow::io::pb
