#include "digits_data.h"

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace {

constexpr char kMagic[8] = {'V', 'F', 'D', 'I', 'G', 'I', 'T', '1'};

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) fail("cannot open it (write it with examples/cpp_host/make_data.py)");
  }
  template <typename T>
  void read(T* dst, size_t count) {
    // The format is little-endian, as every platform varflow builds for.
    in_.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(count * sizeof(T)));
    if (!in_) fail("truncated");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("digits data " + path_ + ": " + why);
  }
  bool at_end() { return in_.peek() == std::char_traits<char>::eof(); }

 private:
  std::string path_;
  std::ifstream in_;
};

void check_labels(const Reader& reader, const std::vector<int32_t>& labels) {
  for (int32_t label : labels) {
    if (label < 0 || label > 9) reader.fail("a label outside 0..9");
  }
}

}  // namespace

DigitsData read_digits(const std::string& path) {
  Reader reader(path);
  char magic[8];
  reader.read(magic, 8);
  if (std::memcmp(magic, kMagic, 8) != 0) reader.fail("not a make_data.py file (bad magic)");
  int32_t header[7];
  reader.read(header, 7);
  DigitsData data;
  data.seed = header[0];
  data.batch_size = header[1];
  data.steps = header[2];
  const int32_t n_train = header[3], n_test = header[4], features = header[5], n_perms = header[6];
  // Bounds far above the digits' (1797 samples of 64 pixels) keep a corrupt header from asking
  // for gigabytes.
  if (n_train < 1 || n_train > 1 << 20 || n_test < 1 || n_test > 1 << 20 || features < 1 ||
      features > 1 << 16 || n_perms < 1 || n_perms > 1 << 16 || data.batch_size < 1 ||
      data.batch_size > n_train || data.steps < 1) {
    reader.fail("implausible header");
  }
  data.features = features;
  data.x_train.resize(static_cast<size_t>(n_train) * static_cast<size_t>(features));
  data.y_train.resize(static_cast<size_t>(n_train));
  data.x_test.resize(static_cast<size_t>(n_test) * static_cast<size_t>(features));
  data.y_test.resize(static_cast<size_t>(n_test));
  reader.read(data.x_train.data(), data.x_train.size());
  reader.read(data.y_train.data(), data.y_train.size());
  reader.read(data.x_test.data(), data.x_test.size());
  reader.read(data.y_test.data(), data.y_test.size());
  check_labels(reader, data.y_train);
  check_labels(reader, data.y_test);
  data.permutations.resize(static_cast<size_t>(n_perms));
  for (auto& perm : data.permutations) {
    perm.resize(static_cast<size_t>(n_train));
    reader.read(perm.data(), perm.size());
    for (int32_t i : perm) {
      if (i < 0 || i >= n_train) reader.fail("a batch index outside the training set");
    }
  }
  if (!reader.at_end()) reader.fail("trailing bytes after the batch order");
  return data;
}

const int32_t* BatchOrder::next() {
  if (pos_ + data_.batch_size > data_.n_train()) {
    ++permutation_;
    pos_ = 0;
  }
  if (permutation_ >= data_.permutations.size()) {
    throw std::runtime_error("the data file's batch order covers " + std::to_string(data_.steps) +
                             " steps: write it again with make_data.py --steps <more>");
  }
  const int32_t* batch = data_.permutations[permutation_].data() + pos_;
  pos_ += data_.batch_size;
  return batch;
}

void BatchOrder::skip(int64_t steps) {
  for (int64_t i = 0; i < steps; ++i) next();
}

varflow::Tensor gather_rows(const std::vector<float>& data, int64_t features,
                            const int32_t* indices, int64_t count) {
  varflow::Tensor out(varflow::DType::kFloat32, {count, features});
  float* dst = out.data<float>();
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(dst + i * features, data.data() + static_cast<int64_t>(indices[i]) * features,
                static_cast<size_t>(features) * sizeof(float));
  }
  return out;
}

varflow::Tensor gather_labels(const std::vector<int32_t>& labels, const int32_t* indices,
                              int64_t count) {
  varflow::Tensor out(varflow::DType::kInt32, {count});
  for (int64_t i = 0; i < count; ++i)
    out.data<int32_t>()[i] = labels[static_cast<size_t>(indices[i])];
  return out;
}
