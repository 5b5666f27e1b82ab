// The JSON that safetensors headers use, parsed from untrusted bytes: every read is bounds
// checked, nesting is limited, and anything malformed is a kDataLoss naming the file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace varflow::io {

struct Json {
  enum class Kind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  uint64_t integer = 0;  // kInteger: a non-negative integer that fits in 64 bits
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;  // in file order, keys unique
};

// Parses exactly one value from [data, data+n) followed only by whitespace. `source` names
// the file in error messages.
Json parse_json(const char* data, size_t n, const std::string& source);

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(const std::string& s);

// Appends s as a JSON string literal.
void append_json_string(std::string& out, const std::string& s);

}  // namespace varflow::io
