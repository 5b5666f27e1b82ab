// A minimal test harness: VF_TEST registers a test; EXPECT_* record failures; main() runs all
// tests (or those whose name contains argv[1]) and exits non-zero on any failure.
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

// Under AddressSanitizer an impossible allocation must come back as nullptr, as from the real
// allocator, so that the tests of ResourceExhausted see what a user would (ASan otherwise
// aborts the process). Each test is one translation unit, so this is defined once per binary.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

namespace vftest {

struct TestCase {
  std::string name;
  std::function<void()> body;
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

inline int& failures() {
  static int count = 0;
  return count;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> body) {
    registry().push_back({name, std::move(body)});
  }
};

inline void report(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: FAILED %s\n", file, line, what.c_str());
  ++failures();
}

template <typename T, typename = void>
struct printable : std::false_type {};
template <typename T>
struct printable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};

template <typename A, typename B>
std::string describe(const char* a_expr, const char* b_expr, const A& a, const B& b) {
  std::ostringstream out;
  out << a_expr << " == " << b_expr;
  if constexpr (printable<A>::value && printable<B>::value) out << " (" << a << " vs " << b << ")";
  return out.str();
}

}  // namespace vftest

#define VF_TEST_CAT_(a, b) a##b
#define VF_TEST_CAT(a, b) VF_TEST_CAT_(a, b)
#define VF_TEST(name)                                                    \
  static void name();                                                    \
  static ::vftest::Registrar VF_TEST_CAT(registrar_, name)(#name, name); \
  static void name()

#define EXPECT_TRUE(cond)                                     \
  do {                                                        \
    if (!(cond)) ::vftest::report(__FILE__, __LINE__, #cond); \
  } while (false)
#define EXPECT_EQ(a, b)                                                                            \
  do {                                                                                             \
    const auto& va_ = (a);                                                                         \
    const auto& vb_ = (b);                                                                         \
    if (!(va_ == vb_)) ::vftest::report(__FILE__, __LINE__, ::vftest::describe(#a, #b, va_, vb_)); \
  } while (false)
#define EXPECT_NEAR(a, b, tol)                                                    \
  do {                                                                            \
    const double va_ = (a), vb_ = (b);                                            \
    if (!(std::fabs(va_ - vb_) <= (tol)))                                         \
      ::vftest::report(__FILE__, __LINE__, ::vftest::describe(#a, #b, va_, vb_)); \
  } while (false)
// Runs `stmt` and expects a varflow::Error with `code` whose message contains `text`.
#define EXPECT_ERROR(stmt, expected_code, text)                                                 \
  do {                                                                                          \
    bool thrown_ = false;                                                                       \
    try {                                                                                       \
      stmt;                                                                                     \
    } catch (const ::varflow::Error& e) {                                                       \
      thrown_ = true;                                                                           \
      if (e.code() != (expected_code) || std::string(e.what()).find(text) == std::string::npos) \
        ::vftest::report(__FILE__, __LINE__, std::string("wrong error: ") + e.what());          \
    }                                                                                           \
    if (!thrown_) ::vftest::report(__FILE__, __LINE__, "no error from " #stmt);                 \
  } while (false)

#define VF_TEST_MAIN()                                                                            \
  int main(int argc, char** argv) {                                                               \
    int run = 0;                                                                                  \
    for (auto& t : ::vftest::registry()) {                                                        \
      if (argc > 1 && t.name.find(argv[1]) == std::string::npos) continue;                        \
      int before = ::vftest::failures();                                                          \
      try {                                                                                       \
        t.body();                                                                                 \
      } catch (const std::exception& e) {                                                         \
        ::vftest::report(__FILE__, __LINE__, t.name + " threw: " + e.what());                     \
      }                                                                                           \
      std::printf("[%s] %s\n", ::vftest::failures() == before ? " OK " : "FAIL", t.name.c_str()); \
      ++run;                                                                                      \
    }                                                                                             \
    std::printf("%d tests, %d failures\n", run, ::vftest::failures());                            \
    return ::vftest::failures() == 0 ? 0 : 1;                                                     \
  }
