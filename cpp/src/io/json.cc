#include "io/json.h"

#include <unordered_set>

#include "varflow/errors.h"

namespace varflow::io {

namespace {

constexpr int kMaxDepth = 16;

class Parser {
 public:
  Parser(const char* p, size_t n, const std::string& source)
      : begin_(p), p_(p), end_(p + n), source_(source) {}

  Json parse_document() {
    Json v = value(0);
    skip_ws();
    if (p_ != end_) fail("unexpected bytes after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const char* why) const {
    raise(ErrorCode::kDataLoss, "Corrupt checkpoint header in ", source_, ": ", why,
          " (at header byte ", consumed(), ")");
  }
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  char peek() {
    skip_ws();
    if (p_ == end_) fail("unexpected end of header");
    return *p_;
  }
  void expect(char c) {
    if (peek() != c) fail("unexpected character");
    ++p_;
  }
  void literal(const char* word) {
    for (const char* w = word; *w; ++w) {
      if (p_ == end_ || *p_ != *w) fail("bad literal");
      ++p_;
    }
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    Json v;
    std::unordered_set<std::string> keys;
    switch (peek()) {
      case '{':
        v.kind = Json::Kind::kObject;
        ++p_;
        if (peek() == '}') {
          ++p_;
          return v;
        }
        // A set, not a scan of the members: a header may name a million tensors.
        keys.clear();
        while (true) {
          if (peek() != '"') fail("expected a key");
          std::string key = string_literal();
          if (!keys.insert(key).second) fail("duplicate key");
          expect(':');
          v.object.emplace_back(std::move(key), value(depth + 1));
          const char c = peek();
          ++p_;
          if (c == '}') return v;
          if (c != ',') fail("expected ',' or '}'");
        }
      case '[':
        v.kind = Json::Kind::kArray;
        ++p_;
        if (peek() == ']') {
          ++p_;
          return v;
        }
        while (true) {
          v.array.push_back(value(depth + 1));
          const char c = peek();
          ++p_;
          if (c == ']') return v;
          if (c != ',') fail("expected ',' or ']'");
        }
      case '"':
        v.kind = Json::Kind::kString;
        v.string = string_literal();
        return v;
      case 't':
        literal("true");
        v.kind = Json::Kind::kBool;
        v.boolean = true;
        return v;
      case 'f':
        literal("false");
        v.kind = Json::Kind::kBool;
        return v;
      case 'n':
        literal("null");
        return v;
      default:
        return number();
    }
  }

  Json number() {
    Json v;
    bool negative = false, integral = true, overflow = false, digits = false;
    uint64_t x = 0;
    if (*p_ == '-') {
      negative = true;
      ++p_;
    }
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      const uint64_t d = static_cast<uint64_t>(*p_ - '0');
      if (x > (UINT64_MAX - d) / 10) overflow = true;
      x = x * 10 + d;
      digits = true;
      ++p_;
    }
    if (!digits) fail("unexpected character");
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || *p_ < '0' || *p_ > '9') fail("bad number");
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || *p_ < '0' || *p_ > '9') fail("bad number");
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (integral && !negative && !overflow) {
      v.kind = Json::Kind::kInteger;
      v.integer = x;
    } else {
      v.kind = Json::Kind::kNumber;  // only ever rejected where an integer is needed
    }
    return v;
  }

  unsigned hex4() {
    if (end_ - p_ < 4) fail("truncated \\u escape");
    unsigned u = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      const char c = *p_;
      u <<= 4;
      if (c >= '0' && c <= '9')
        u |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        u |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        u |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad \\u escape");
    }
    return u;
  }

  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string string_literal() {
    ++p_;  // opening quote, checked by the caller
    std::string out;
    while (true) {
      if (p_ == end_) fail("unterminated string");
      const char c = *p_++;
      if (c == '"') {
        if (!valid_utf8(out)) fail("string is not valid UTF-8");
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p_ == end_) fail("unterminated string");
      const char e = *p_++;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') fail("lone surrogate");
            p_ += 2;
            const uint32_t lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            fail("lone surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          fail("bad escape");
      }
    }
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  const std::string& source_;
};

}  // namespace

Json parse_json(const char* data, size_t n, const std::string& source) {
  return Parser(data, n, source).parse_document();
}

bool valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned c = *p++;
    if (c < 0x80) continue;
    int extra;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < extra) return false;
    for (int i = 0; i < extra; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    p += extra;
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp < 0xe000))
      return false;
  }
  return true;
}

void append_json_string(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace varflow::io
