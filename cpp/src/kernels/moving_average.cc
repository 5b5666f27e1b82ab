#include "kernels/moving_average.h"

namespace varflow::kernels {

const MovingAverageTable* moving_average_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::moving_average_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::moving_average_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::moving_average_table();
#endif
    default:
      return nullptr;
  }
}

const MovingAverageTable& moving_average_table() {
  static const MovingAverageTable& table = select_table<MovingAverageTable>(&moving_average_table);
  return table;
}

}  // namespace varflow::kernels
