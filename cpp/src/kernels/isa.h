// SIMD variants. Kernel sources listed in VARFLOW_ISA_SOURCES are compiled once per variant,
// each with its own -m flags, inside namespace varflow::kernels::<variant>; the variant is
// chosen once at load time from the CPU's features, and VARFLOW_ISA=baseline|avx2|avx512
// forces a lower one.
#pragma once

#include <vector>

namespace varflow::kernels {

enum class Isa : int { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };
constexpr int kNumIsas = 3;

const char* isa_name(Isa isa);
std::vector<Isa> compiled_isas();
bool isa_compiled(Isa isa);
bool cpu_supports(Isa isa);
Isa selected_isa();

// The table of the selected variant, or of the best lower one that was compiled.
// `table_of(isa)` (nullptr for a variant not compiled) is only called for the selected variant
// and those below it, never for one the CPU lacks: a variant's static initialisers may use
// its own instructions.
template <typename Table>
const Table& select_table(const Table* (*table_of)(Isa)) {
  for (int i = static_cast<int>(selected_isa()); i > 0; --i)
    if (const Table* table = table_of(static_cast<Isa>(i))) return *table;
  return *table_of(Isa::kBaseline);
}

}  // namespace varflow::kernels
