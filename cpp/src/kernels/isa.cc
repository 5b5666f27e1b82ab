#include "kernels/isa.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace varflow::kernels {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    default:
      return "baseline";
  }
}

bool isa_compiled(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return true;
    case Isa::kAvx2:
#ifdef VARFLOW_HAVE_AVX2
      return true;
#else
      return false;
#endif
    case Isa::kAvx512:
#ifdef VARFLOW_HAVE_AVX512
      return true;
#else
      return false;
#endif
  }
  return false;
}

std::vector<Isa> compiled_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512})
    if (isa_compiled(isa)) out.push_back(isa);
  return out;
}

bool cpu_supports(Isa isa) {
#if defined(__x86_64__) || defined(__i386__)
  switch (isa) {
    case Isa::kBaseline:
      return true;
    case Isa::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  }
  return false;
#else
  return isa == Isa::kBaseline;
#endif
}

namespace {
Isa detect() {
  Isa best = Isa::kBaseline;
  for (Isa isa : {Isa::kAvx2, Isa::kAvx512})
    if (isa_compiled(isa) && cpu_supports(isa)) best = isa;
  if (const char* forced = std::getenv("VARFLOW_ISA")) {
    const std::string name(forced);
    bool known = false;
    for (Isa isa : {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512}) {
      if (name != isa_name(isa)) continue;
      known = true;
      if (static_cast<int>(isa) <= static_cast<int>(best))
        best = isa;
      else
        std::fprintf(stderr, "varflow: VARFLOW_ISA=%s is not available here; using %s\n", forced,
                     isa_name(best));
    }
    // Selection happens once, possibly inside a kernel, so a bad value warns instead of
    // throwing; the warning and build_info() say what was chosen.
    if (!known)
      std::fprintf(stderr,
                   "varflow: ignoring VARFLOW_ISA=%s (expected baseline, avx2 or avx512); "
                   "using %s\n",
                   forced, isa_name(best));
  }
  return best;
}
}  // namespace

Isa selected_isa() {
  static const Isa isa = detect();
  return isa;
}

}  // namespace varflow::kernels
