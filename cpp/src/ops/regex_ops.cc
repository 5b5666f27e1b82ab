// TF1's regular-expression string ops: RegexReplace / StaticRegexReplace and RegexFullMatch /
// StaticRegexFullMatch. TF runs RE2; varflow runs std::regex (ECMAScript) behind a translator
// that accepts RE2's syntax where the two engines agree and refuses the rest by name, so a
// pattern either means what it means in TF or fails with a clear error:
// - refused as RE2 refuses them (InvalidArgument, RE2's words): lookarounds `(?=` `(?!`
//   `(?<=` `(?<!` and backreferences `\1`..`\9`;
// - translated: `(?P<name>...)` and `(?<name>...)` (named groups; names are unused by these
//   ops), `\A` and `\z`, a leading `(?i)`;
// - refused as not supported here (Unimplemented): Unicode classes `\p` `\P`, `\Q...\E`, `\C`,
//   `\x{...}`, octal escapes, flag groups other than a leading `(?i)`, and patterns whose
//   byte-wise meaning differs from RE2's UTF-8 one (`.`, negated classes and `\W` `\S` `\D`)
//   applied to non-ASCII input.
// Rewrites use RE2's `\0`..`\9` and `\\`. Global replacement follows RE2's GlobalReplace:
// an empty match right after the previous match is skipped.
#include <regex>
#include <string_view>

#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

using namespace indexing;

struct Translated {
  std::string ecmascript;
  bool icase = false;
  bool byte_sensitive = false;  // matches differ from RE2's on multi-byte UTF-8 characters
};

[[noreturn]] void invalid_pattern(KernelContext& c, const std::string& pattern,
                                  const std::string& why) {
  c.fail(ErrorCode::kInvalidArgument, "Invalid pattern: ", pattern, ", error: ", why);
}

[[noreturn]] void unsupported(KernelContext& c, const std::string& pattern,
                              const std::string& what) {
  c.fail(ErrorCode::kUnimplemented, "Regex pattern ", pattern, " uses ", what,
         ", which varflow's regex engine (std::regex, ECMAScript, in place of TF's RE2) does "
         "not support");
}

Translated translate(KernelContext& c, const std::string& p) {
  Translated t;
  std::string& out = t.ecmascript;
  size_t i = 0;
  if (p.compare(0, 4, "(?i)") == 0) {
    t.icase = true;
    i = 4;
  }
  bool in_class = false;
  for (; i < p.size(); ++i) {
    const char ch = p[i];
    if (ch == '\\') {
      if (i + 1 >= p.size()) invalid_pattern(c, p, "trailing \\");
      const char e = p[++i];
      if (e >= '1' && e <= '9')
        invalid_pattern(c, p, std::string("invalid escape sequence: \\") + e);
      if (e == 'p' || e == 'P') unsupported(c, p, std::string("the Unicode class \\") + e);
      if (e == 'Q' || e == 'E') unsupported(c, p, "\\Q...\\E quoting");
      if (e == 'C') unsupported(c, p, "\\C (any byte)");
      if (e == '0' && i + 1 < p.size() && p[i + 1] >= '0' && p[i + 1] <= '7')
        unsupported(c, p, "an octal escape");
      if (e == 'x' && i + 1 < p.size() && p[i + 1] == '{') unsupported(c, p, "\\x{...}");
      if (!in_class && e == 'A') {
        out += '^';
        continue;
      }
      if (!in_class && e == 'z') {
        out += '$';
        continue;
      }
      if (e == 'W' || e == 'S' || e == 'D') t.byte_sensitive = true;
      out += '\\';
      out += e;
      continue;
    }
    if (in_class) {
      out += ch;
      if (ch == ']') in_class = false;
      if (ch == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // [:alpha:] inside a class
        const size_t close = p.find(":]", i + 2);
        if (close == std::string::npos) invalid_pattern(c, p, "missing ]");
        out.append(p, i + 1, close + 2 - (i + 1));
        i = close + 1;
      }
      continue;
    }
    if (ch == '[') {
      in_class = true;
      out += ch;
      if (i + 1 < p.size() && p[i + 1] == '^') {
        t.byte_sensitive = true;
        out += p[++i];
      }
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // a leading ] is literal
      continue;
    }
    if (ch == '.') t.byte_sensitive = true;
    if (ch == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      const std::string_view rest(p.data() + i + 2, p.size() - i - 2);
      if (rest.substr(0, 1) == ":") {
        out += "(?:";
        i += 2;
        continue;
      }
      if (rest.substr(0, 1) == "=" || rest.substr(0, 1) == "!")
        invalid_pattern(c, p, std::string("invalid perl operator: (?") + rest[0]);
      if (rest.substr(0, 2) == "<=" || rest.substr(0, 2) == "<!")
        invalid_pattern(c, p, "invalid perl operator: (?<");
      if (rest.substr(0, 2) == "P<" || rest.substr(0, 1) == "<") {
        const size_t close = p.find('>', i);
        if (close == std::string::npos) invalid_pattern(c, p, "invalid named capture group");
        out += '(';
        i = close;
        continue;
      }
      unsupported(c, p, "a flag group (only a leading (?i) is translated)");
    }
    out += ch;
  }
  if (in_class) invalid_pattern(c, p, "missing ]");
  return t;
}

struct Compiled {
  std::regex re;
  bool byte_sensitive;
  std::string pattern;
};

Compiled compile(KernelContext& c, const std::string& pattern) {
  Translated t = translate(c, pattern);
  auto flags = std::regex::ECMAScript;
  if (t.icase) flags |= std::regex::icase;
  try {
    return Compiled{std::regex(t.ecmascript, flags), t.byte_sensitive, pattern};
  } catch (const std::regex_error& e) {
    invalid_pattern(c, pattern, e.what());
  }
}

void check_ascii(KernelContext& c, const Compiled& re, const std::string& s) {
  if (!re.byte_sensitive) return;
  for (const char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80)
      unsupported(c, re.pattern,
                  "'.', a negated class or \\W/\\S/\\D on non-ASCII input (RE2 matches UTF-8 "
                  "characters where std::regex matches bytes)");
}

const std::string& pattern_of(KernelContext& c, int input) {
  if (input < 0) return c.attrs().get<std::string>("pattern");
  const Tensor& t = c.input(input);
  if (t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "Pattern must be scalar, but received ",
           tf_shape(t.dims()));
  return *t.data<std::string>();
}

// Appends RE2's expansion of `rewrite` for match `m`.
void expand(const std::string& rewrite, const std::smatch& m, std::string& out) {
  for (size_t i = 0; i < rewrite.size(); ++i) {
    const char ch = rewrite[i];
    if (ch != '\\' || i + 1 >= rewrite.size()) {
      out += ch;
      continue;
    }
    const char e = rewrite[++i];
    if (e >= '0' && e <= '9')
      out += m[e - '0'].str();
    else
      out += e;  // "\\\\" is one backslash (checked in check_rewrite)
  }
}

void check_rewrite(KernelContext& c, const std::string& rewrite, const std::regex& re) {
  int max_group = 0;
  for (size_t i = 0; i < rewrite.size(); ++i) {
    if (rewrite[i] != '\\') continue;
    if (i + 1 >= rewrite.size())
      c.fail(ErrorCode::kInvalidArgument, "Invalid rewrite pattern: ", rewrite,
             ", error: Rewrite schema error: '\\' not allowed at end.");
    const char e = rewrite[++i];
    if (e >= '0' && e <= '9')
      max_group = std::max(max_group, e - '0');
    else if (e != '\\')
      c.fail(ErrorCode::kInvalidArgument, "Invalid rewrite pattern: ", rewrite,
             ", error: Rewrite schema error: '\\' must be followed by a digit or '\\'.");
  }
  if (max_group > static_cast<int>(re.mark_count()))
    c.fail(ErrorCode::kInvalidArgument, "Invalid rewrite pattern: ", rewrite,
           ", error: Rewrite schema requests ", max_group, " matches, but the regexp only has ",
           re.mark_count(), " parenthesized subexpressions.");
}

std::string replace(const std::string& s, const std::regex& re, const std::string& rewrite,
                    bool global) {
  std::string out;
  auto p = s.cbegin();
  const auto end = s.cend();
  auto last_end = s.cend();
  bool any = false;  // also: last_end holds the previous match's end
  std::smatch m;
  while (p <= end) {
    const auto flags = p == s.cbegin() ? std::regex_constants::match_default
                                       : std::regex_constants::match_prev_avail;
    if (!std::regex_search(p, end, m, re, flags)) break;
    const auto m_begin = m[0].first, m_end = m[0].second;
    out.append(p, m_begin);
    if (any && m_begin == last_end && m_begin == m_end) {
      // RE2: no empty match right after the previous match; step over one byte.
      if (p == end) break;
      out += *p;
      ++p;
      continue;
    }
    expand(rewrite, m, out);
    any = true;
    p = m_end;
    last_end = m_end;
    if (!global) break;
    if (m_begin == m_end) {
      if (p == end) break;
      out += *p;
      ++p;
    }
  }
  if (!any) return s;
  out.append(p, end);
  return out;
}

void replace_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kString});
  for (int i = 1; i < c.num_inputs(); ++i) {
    shape_rules::require_dtype(c, i, {DType::kString});
    if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 0)
      c.value_error("Shape must be rank 0 but is rank ", c.input_shape(i).rank());
  }
  c.set_output(0, DType::kString, c.input_shape(0));
}

void match_shape(InferenceContext& c) {
  replace_shape(c);
  c.set_output(0, DType::kBool, c.input_shape(0));
}

template <bool Static>
void replace_kernel(KernelContext& c) {
  const Tensor& input = c.input(0);
  const Compiled re = compile(c, pattern_of(c, Static ? -1 : 1));
  std::string rewrite;
  if constexpr (Static) {
    rewrite = c.attrs().get<std::string>("rewrite");
  } else {
    if (c.input(2).rank() != 0)
      c.fail(ErrorCode::kInvalidArgument, "Rewrite must be scalar, but received ",
             tf_shape(c.input(2).dims()));
    rewrite = *c.input(2).data<std::string>();
  }
  check_rewrite(c, rewrite, re.re);
  const bool global = c.attrs().get<bool>("replace_global");
  Tensor& out = c.allocate_output(0, DType::kString, input.dims());
  const std::string* src = input.data<std::string>();
  for (int64_t i = 0; i < input.num_elements(); ++i) {
    check_ascii(c, re, src[i]);
    out.data<std::string>()[i] = replace(src[i], re.re, rewrite, global);
  }
}

template <bool Static>
void match_kernel(KernelContext& c) {
  const Tensor& input = c.input(0);
  const Compiled re = compile(c, pattern_of(c, Static ? -1 : 1));
  Tensor& out = c.allocate_output(0, DType::kBool, input.dims());
  const std::string* src = input.data<std::string>();
  for (int64_t i = 0; i < input.num_elements(); ++i) {
    check_ascii(c, re, src[i]);
    out.data<bool>()[i] = std::regex_match(src[i], re.re);
  }
}

}  // namespace

void register_regex_ops(OpRegistry& r) {
  r.add("RegexReplace")
      .inputs({"input", "pattern", "rewrite"})
      .outputs({"output"})
      .attr("replace_global", true, "replace every match, not only the first")
      .shape(replace_shape)
      .kernel(replace_kernel<false>)
      .not_differentiable()
      .doc("Replaces matches of the pattern (RE2 syntax) in each string with the rewrite.");
  r.add("StaticRegexReplace")
      .inputs({"input"})
      .outputs({"output"})
      .required_attr("pattern", AttrType::kString, "the regular expression (RE2 syntax)")
      .required_attr("rewrite", AttrType::kString, "the replacement; \\0..\\9 insert groups")
      .attr("replace_global", true, "replace every match, not only the first")
      .shape(replace_shape)
      .kernel(replace_kernel<true>)
      .not_differentiable()
      .doc("RegexReplace with the pattern and rewrite fixed at graph-build time.");
  r.add("RegexFullMatch")
      .inputs({"input", "pattern"})
      .outputs({"output"})
      .shape(match_shape)
      .kernel(match_kernel<false>)
      .not_differentiable()
      .doc("Whether each whole string matches the pattern (RE2 syntax).");
  r.add("StaticRegexFullMatch")
      .inputs({"input"})
      .outputs({"output"})
      .required_attr("pattern", AttrType::kString, "the regular expression (RE2 syntax)")
      .shape(match_shape)
      .kernel(match_kernel<true>)
      .not_differentiable()
      .doc("RegexFullMatch with the pattern fixed at graph-build time.");
}

}  // namespace varflow::ops
