#include "io/protobuf_wire.h"

namespace varflow::io::pb {

uint64_t WireReader::raw_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) fail("a varint runs past the end of the message");
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  fail("a varint longer than 10 bytes");
}

bool WireReader::next() {
  if (at_end()) return false;
  const uint64_t tag = raw_varint();
  field_ = static_cast<int>(tag >> 3);
  wire_type_ = static_cast<int>(tag & 7);
  if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) fail("field number ", tag >> 3);
  if (wire_type_ != kVarint && wire_type_ != kFixed64 && wire_type_ != kLengthDelimited &&
      wire_type_ != kFixed32)
    fail("wire type ", wire_type_, " (groups and unknown types are not read)");
  return true;
}

void WireReader::expect(int wire_type, const char* kind) {
  if (wire_type_ != wire_type) fail("expected ", kind, ", found wire type ", wire_type_);
}

uint64_t WireReader::varint() {
  expect(kVarint, "a varint");
  return raw_varint();
}

uint32_t WireReader::fixed32() {
  expect(kFixed32, "a fixed32");
  if (data_.size() - pos_ < 4) fail("a fixed32 runs past the end of the message");
  const uint32_t v = load32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

uint64_t WireReader::fixed64() {
  expect(kFixed64, "a fixed64");
  if (data_.size() - pos_ < 8) fail("a fixed64 runs past the end of the message");
  const uint64_t v = load64(data_.data() + pos_);
  pos_ += 8;
  return v;
}

float WireReader::float32() {
  const uint32_t bits = fixed32();
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

double WireReader::float64() {
  const uint64_t bits = fixed64();
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

std::string_view WireReader::bytes() {
  expect(kLengthDelimited, "a length-delimited field");
  const uint64_t n = raw_varint();
  if (n > data_.size() - pos_)
    fail("a field of ", n, " bytes where ", data_.size() - pos_, " remain");
  std::string_view out = data_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return out;
}

WireReader WireReader::message(const char* what) {
  std::string_view b = bytes();
  return WireReader(b, what, base_ + pos_ - b.size());
}

void WireReader::skip() {
  switch (wire_type_) {
    case kVarint:
      raw_varint();
      break;
    case kFixed64:
      fixed64();
      break;
    case kFixed32:
      fixed32();
      break;
    default:
      bytes();
      break;
  }
}

}  // namespace varflow::io::pb
