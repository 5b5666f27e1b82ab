// Datasets that reorganise their inputs' elements: zip, concatenate, batch, padded batch,
// repeat, take, skip, cache.
#include <algorithm>
#include <mutex>

#include "data/datasets.h"
#include "data/element.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

class ZipDataset : public Dataset {
 public:
  explicit ZipDataset(std::vector<DatasetPtr> inputs) : inputs_(std::move(inputs)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      std::vector<std::unique_ptr<Iterator>> its;
      bool done = false;
      bool next(Element* out) override {
        if (done) return false;
        out->clear();
        Element part;
        for (auto& it : its) {
          if (!it->next(&part)) {
            done = true;
            return false;
          }
          out->insert(out->end(), part.begin(), part.end());
        }
        return true;
      }
    };
    auto it = std::make_unique<It>();
    for (const auto& d : inputs_) it->its.push_back(d->make_iterator());
    return it;
  }

 private:
  std::vector<DatasetPtr> inputs_;
};

class ConcatenateDataset : public Dataset {
 public:
  explicit ConcatenateDataset(std::vector<DatasetPtr> inputs) : inputs_(std::move(inputs)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const std::vector<DatasetPtr>* inputs;
      size_t current = 0;
      std::unique_ptr<Iterator> it;
      bool next(Element* out) override {
        while (current < inputs->size()) {
          if (!it) it = (*inputs)[current]->make_iterator();
          if (it->next(out)) return true;
          it.reset();
          ++current;
        }
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->inputs = &inputs_;
    return it;
  }

 private:
  std::vector<DatasetPtr> inputs_;
};

// Batches the SparseTensor held in components c (indices), c + 1 (values), c + 2 (dense_shape)
// of `elements`, as TF1's batch does: each element's indices gain its position in the batch as
// a first column, the values are concatenated in order, and the dense shape is the batch size
// followed by the largest size of each dimension.
void stack_sparse(const std::vector<Element>& elements, size_t c, Element& out) {
  const size_t n = elements.size();
  const Tensor& first_shape = elements[0][c + 2];
  const int64_t rank = first_shape.num_elements();
  int64_t total = 0;
  std::vector<int64_t> dense(static_cast<size_t>(rank), 0);
  for (size_t i = 0; i < n; ++i) {
    const Tensor& indices = elements[i][c];
    const Tensor& shape = elements[i][c + 2];
    VF_CHECK(shape.rank() == 1 && shape.num_elements() == rank, ErrorCode::kInvalidArgument,
             "Inconsistent rank across SparseTensors: rank prior to SparseTensor[", i,
             "] was: ", rank, " but rank of SparseTensor[", i, "] is: ", shape.num_elements());
    VF_CHECK(indices.rank() == 2 && indices.dims()[1] == rank &&
                 elements[i][c + 1].num_elements() == indices.dims()[0],
             ErrorCode::kInvalidArgument, "SparseTensor[", i, "] of component ", c,
             " has indices of shape ", dims_tf(indices.dims()), ", ",
             elements[i][c + 1].num_elements(), " values and rank ", rank);
    total += indices.dims()[0];
    const int64_t* d = shape.data<int64_t>();
    for (int64_t k = 0; k < rank; ++k)
      dense[static_cast<size_t>(k)] = std::max(dense[static_cast<size_t>(k)], d[k]);
  }
  Tensor indices(DType::kInt64, Dims{total, rank + 1});
  Tensor values(elements[0][c + 1].dtype(), Dims{total});
  Tensor shape(DType::kInt64, Dims{rank + 1});
  int64_t* ind = indices.data<int64_t>();
  int64_t row = 0;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& from = elements[i][c];
    const int64_t rows = from.dims()[0];
    const int64_t* src = from.data<int64_t>();
    for (int64_t r = 0; r < rows; ++r) {
      int64_t* dst = ind + (row + r) * (rank + 1);
      dst[0] = static_cast<int64_t>(i);
      std::copy(src + r * rank, src + (r + 1) * rank, dst + 1);
    }
    copy_elements(elements[i][c + 1], 0, values, row, rows);
    row += rows;
  }
  int64_t* sh = shape.data<int64_t>();
  sh[0] = static_cast<int64_t>(n);
  std::copy(dense.begin(), dense.end(), sh + 1);
  out.push_back(std::move(indices));
  out.push_back(std::move(values));
  out.push_back(std::move(shape));
}

// Stacks `elements` component by component; kInvalidArgument when their shapes differ. The
// components listed in `sparse` start a SparseTensor's (indices, values, dense_shape).
Element stack(const std::vector<Element>& elements, const std::vector<int64_t>& sparse = {}) {
  Element out;
  const size_t n = elements.size();
  for (size_t c = 0; c < elements[0].size(); ++c) {
    if (std::find(sparse.begin(), sparse.end(), static_cast<int64_t>(c)) != sparse.end()) {
      stack_sparse(elements, c, out);
      c += 2;
      continue;
    }
    const Tensor& first = elements[0][c];
    for (size_t i = 1; i < n; ++i)
      VF_CHECK(elements[i][c].dims() == first.dims(), ErrorCode::kInvalidArgument,
               "Cannot batch tensors with different shapes in component ", c,
               ". First element had shape ", dims_tf(first.dims()), " and element ", i,
               " had shape ", dims_tf(elements[i][c].dims()), ".");
    Dims dims{static_cast<int64_t>(n)};
    dims.insert(dims.end(), first.dims().begin(), first.dims().end());
    Tensor batch(first.dtype(), dims);
    const int64_t size = first.num_elements();
    for (size_t i = 0; i < n; ++i)
      copy_elements(elements[i][c], 0, batch, static_cast<int64_t>(i) * size, size);
    out.push_back(std::move(batch));
  }
  return out;
}

class BatchDataset : public Dataset {
 public:
  BatchDataset(DatasetPtr input, int64_t size, bool drop)
      : input_(std::move(input)), size_(size), drop_(drop) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const BatchDataset* d;
      std::unique_ptr<Iterator> in;
      bool done = false;
      bool next(Element* out) override {
        if (done) return false;
        std::vector<Element> elements;
        Element e;
        while (static_cast<int64_t>(elements.size()) < d->size_) {
          if (!in->next(&e)) {
            done = true;
            break;
          }
          elements.push_back(std::move(e));
        }
        if (elements.empty() || (d->drop_ && static_cast<int64_t>(elements.size()) < d->size_))
          return false;
        *out = d->pad_ ? d->pad_(elements) : stack(elements, d->sparse_);
        return true;
      }
    };
    auto it = std::make_unique<It>();
    it->d = this;
    it->in = input_->make_iterator();
    return it;
  }
  std::function<Element(const std::vector<Element>&)> pad_;  // padded_batch
  std::vector<int64_t> sparse_;  // components that start a SparseTensor's three

 private:
  DatasetPtr input_;
  int64_t size_;
  bool drop_;
};

class RepeatDataset : public Dataset {
 public:
  RepeatDataset(DatasetPtr input, int64_t count) : input_(std::move(input)), count_(count) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const RepeatDataset* d;
      std::unique_ptr<Iterator> in;
      int64_t epoch = 0;
      bool produced = false;
      bool done = false;
      bool next(Element* out) override {
        while (!done) {
          if (d->count_ >= 0 && epoch >= d->count_) break;
          if (!in) {
            in = d->input_->make_iterator();
            produced = false;
          }
          if (in->next(out)) {
            produced = true;
            return true;
          }
          in.reset();
          ++epoch;
          // An endless repeat of an empty dataset ends instead of spinning (as TF).
          if (d->count_ < 0 && !produced) break;
        }
        done = true;
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->d = this;
    return it;
  }

 private:
  DatasetPtr input_;
  int64_t count_;
};

class TakeDataset : public Dataset {
 public:
  TakeDataset(DatasetPtr input, int64_t count, bool skip)
      : input_(std::move(input)), count_(count), skip_(skip) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const TakeDataset* d;
      std::unique_ptr<Iterator> in;
      int64_t seen = 0;
      bool next(Element* out) override {
        if (!in) return false;
        if (d->skip_) {
          while (d->count_ < 0 || seen < d->count_) {
            if (!in->next(out)) {
              in.reset();
              return false;
            }
            ++seen;
          }
          if (in->next(out)) return true;
          in.reset();
          return false;
        }
        if (d->count_ >= 0 && seen >= d->count_) {
          in.reset();
          return false;
        }
        if (!in->next(out)) {
          in.reset();
          return false;
        }
        ++seen;
        return true;
      }
    };
    auto it = std::make_unique<It>();
    it->d = this;
    it->in = input_->make_iterator();
    return it;
  }

 private:
  DatasetPtr input_;
  int64_t count_;
  bool skip_;
};

class CacheDataset : public Dataset {
 public:
  explicit CacheDataset(DatasetPtr input) : input_(std::move(input)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const CacheDataset* d;
      std::shared_ptr<const std::vector<Element>> cached;
      size_t pos = 0;
      std::unique_ptr<Iterator> in;
      std::vector<Element> filling;
      bool next(Element* out) override {
        if (cached) {
          if (pos >= cached->size()) return false;
          *out = (*cached)[pos++];
          return true;
        }
        if (!in) return false;
        if (in->next(out)) {
          filling.push_back(*out);
          return true;
        }
        in.reset();
        std::lock_guard<std::mutex> lock(d->mu_);
        if (!d->cache_)
          d->cache_ = std::make_shared<const std::vector<Element>>(std::move(filling));
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->d = this;
    {
      std::lock_guard<std::mutex> lock(mu_);
      it->cached = cache_;
    }
    if (!it->cached) it->in = input_->make_iterator();
    return it;
  }

 private:
  DatasetPtr input_;
  mutable std::mutex mu_;
  // Complete once an iteration has run to the end; later iterations read it.
  mutable std::shared_ptr<const std::vector<Element>> cache_;
};

}  // namespace

DatasetPtr bind_zip(const Binding& b) { return std::make_shared<ZipDataset>(b.inputs); }

DatasetPtr bind_concatenate(const Binding& b) {
  return std::make_shared<ConcatenateDataset>(b.inputs);
}

DatasetPtr bind_batch(const Binding& b) {
  const int64_t size = b.int_arg(0, "batch_size");
  VF_CHECK(size > 0, ErrorCode::kInvalidArgument, "Batch size must be greater than zero.");
  auto d = std::make_shared<BatchDataset>(b.inputs.at(0), size, b.bool_arg(1, "drop_remainder"));
  if (b.spec.args.size() > 2) {
    const Tensor& starts = b.arg(2);
    VF_CHECK(starts.rank() == 1 && starts.dtype() == DType::kInt64, ErrorCode::kInternal,
             b.spec.name, ": the sparse components must be an int64 vector");
    const int64_t* p = starts.data<int64_t>();
    for (int64_t i = 0; i < starts.num_elements(); ++i) {
      VF_CHECK(p[i] >= 0 && static_cast<size_t>(p[i]) + 3 <= b.spec.dtypes.size(),
               ErrorCode::kInternal, b.spec.name, ": sparse component ", p[i], " out of range");
      d->sparse_.push_back(p[i]);
    }
  }
  return d;
}

DatasetPtr bind_padded_batch(const Binding& b) {
  const int64_t size = b.int_arg(0, "batch_size");
  VF_CHECK(size > 0, ErrorCode::kInvalidArgument, "Batch size must be greater than zero.");
  const size_t n = b.spec.dtypes.size();
  VF_CHECK(b.spec.args.size() == 2 * n + 2, ErrorCode::kInternal, b.spec.name, ": expected ",
           2 * n + 2, " arguments");
  std::vector<Dims> padded;
  std::vector<Tensor> values;
  for (size_t c = 0; c < n; ++c) {
    const Tensor& shape = b.arg(1 + c);
    VF_CHECK(shape.rank() == 1 && is_integer(shape.dtype()), ErrorCode::kInvalidArgument,
             "All padded shapes must be vectors, but component ", c, " has shape ",
             dims_tf(shape.dims()));
    padded.push_back(shape.cast(DType::kInt64).as_dims());
    const Tensor& value = b.arg(1 + n + c);
    VF_CHECK(value.num_elements() == 1 && value.rank() == 0, ErrorCode::kInvalidArgument,
             "All padding values must be scalars, but component ", c, " has shape ",
             dims_tf(value.dims()));
    VF_CHECK(value.dtype() == b.spec.dtypes[c], ErrorCode::kInvalidArgument,
             "Mismatched type between padding value ", c, " and input dataset's component ", c,
             ": ", dtype_name(value.dtype()), " vs. ", dtype_name(b.spec.dtypes[c]));
    values.push_back(value);
  }
  auto d =
      std::make_shared<BatchDataset>(b.inputs.at(0), size, b.bool_arg(1 + 2 * n, "drop_remainder"));
  d->pad_ = [padded, values](const std::vector<Element>& elements) {
    Element out;
    for (size_t c = 0; c < padded.size(); ++c) {
      const Dims& want = padded[c];
      Dims dims(want.size(), 0);
      for (size_t i = 0; i < elements.size(); ++i) {
        const Tensor& t = elements[i][c];
        VF_CHECK(t.rank() == static_cast<int>(want.size()), ErrorCode::kInvalidArgument,
                 "Cannot batch tensors with different ranks in component ", c,
                 ": padded shape has rank ", want.size(), " but element ", i, " has shape ",
                 dims_tf(t.dims()));
        for (size_t k = 0; k < want.size(); ++k) {
          if (want[k] >= 0)
            VF_CHECK(t.dim(static_cast<int>(k)) <= want[k], ErrorCode::kDataLoss,
                     "Attempted to pad to a smaller size than the input element.");
          dims[k] = std::max(dims[k], want[k] >= 0 ? want[k] : t.dim(static_cast<int>(k)));
        }
      }
      Dims batch_dims{static_cast<int64_t>(elements.size())};
      batch_dims.insert(batch_dims.end(), dims.begin(), dims.end());
      Tensor batch(values[c].dtype(), batch_dims);
      fill_with(batch, values[c]);
      for (size_t i = 0; i < elements.size(); ++i)
        copy_into_corner(elements[i][c], batch, static_cast<int64_t>(i));
      out.push_back(std::move(batch));
    }
    return out;
  };
  return d;
}

DatasetPtr bind_repeat(const Binding& b) {
  return std::make_shared<RepeatDataset>(b.inputs.at(0), b.int_arg(0, "count"));
}

DatasetPtr bind_take(const Binding& b) {
  return std::make_shared<TakeDataset>(b.inputs.at(0), b.int_arg(0, "count"), false);
}

DatasetPtr bind_skip(const Binding& b) {
  return std::make_shared<TakeDataset>(b.inputs.at(0), b.int_arg(0, "count"), true);
}

DatasetPtr bind_cache(const Binding& b) { return std::make_shared<CacheDataset>(b.inputs.at(0)); }

}  // namespace varflow::data
