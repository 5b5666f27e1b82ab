#include "data.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>

ImportHostData read_data(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char magic[4];
  int32_t header[2];
  in.read(magic, 4);
  in.read(reinterpret_cast<char*>(header), sizeof(header));
  if (!in || std::memcmp(magic, "VFD1", 4) != 0 || header[0] <= 0 || header[1] <= 0 ||
      header[0] > (1 << 24) || header[1] > (1 << 16))
    throw std::runtime_error(path + " is not a data file of make_model.py");
  ImportHostData d;
  d.x = varflow::Tensor(varflow::DType::kFloat32, {header[0], header[1]});
  d.y = varflow::Tensor(varflow::DType::kInt32, {header[0]});
  in.read(static_cast<char*>(d.x.raw()), static_cast<std::streamsize>(d.x.nbytes()));
  in.read(static_cast<char*>(d.y.raw()), static_cast<std::streamsize>(d.y.nbytes()));
  if (!in) throw std::runtime_error(path + " ends early");
  return d;
}

std::pair<varflow::Tensor, varflow::Tensor> batch_at(const ImportHostData& data, int64_t step,
                                                     int64_t batch) {
  const int64_t n = data.x.dim(0), features = data.x.dim(1);
  varflow::Tensor x(varflow::DType::kFloat32, {batch, features});
  varflow::Tensor y(varflow::DType::kInt32, {batch});
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t row = (step * batch + i) % n;
    x.copy_elements_from(data.x, row * features, i * features, features);
    y.copy_elements_from(data.y, row, i, 1);
  }
  return {x, y};
}
