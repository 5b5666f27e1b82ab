// Datasets that make elements: from tensors (whole or sliced), a range, a generator.
#include "data/datasets.h"
#include "data/element.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

class TensorSliceDataset : public Dataset {
 public:
  TensorSliceDataset(std::vector<Tensor> components, int64_t n)
      : components_(std::move(components)), n_(n) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const TensorSliceDataset* d;
      int64_t i = 0;
      explicit It(const TensorSliceDataset* d) : d(d) {}
      bool next(Element* out) override {
        if (i >= d->n_) return false;
        out->clear();
        for (const Tensor& c : d->components_) out->push_back(row_of(c, i));
        ++i;
        return true;
      }
    };
    return std::make_unique<It>(this);
  }

 private:
  std::vector<Tensor> components_;
  int64_t n_;
};

class TensorsDataset : public Dataset {
 public:
  explicit TensorsDataset(Element element) : element_(std::move(element)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const Element* e;
      bool done = false;
      explicit It(const Element* e) : e(e) {}
      bool next(Element* out) override {
        if (done) return false;
        *out = *e;
        done = true;
        return true;
      }
    };
    return std::make_unique<It>(&element_);
  }

 private:
  Element element_;
};

class RangeDataset : public Dataset {
 public:
  RangeDataset(int64_t start, int64_t stop, int64_t step, DType dtype)
      : start_(start), stop_(stop), step_(step), dtype_(dtype) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const RangeDataset* d;
      int64_t v;
      explicit It(const RangeDataset* d) : d(d), v(d->start_) {}
      bool next(Element* out) override {
        if (d->step_ > 0 ? v >= d->stop_ : v <= d->stop_) return false;
        out->assign(1, Tensor::scalar<int64_t>(v).cast(d->dtype_));
        // Stops instead of wrapping when the next value would overflow.
        if (__builtin_add_overflow(v, d->step_, &v)) v = d->stop_;
        return true;
      }
    };
    return std::make_unique<It>(this);
  }

 private:
  int64_t start_, stop_, step_;
  DType dtype_;
};

class GeneratorDataset : public Dataset {
 public:
  GeneratorDataset(GeneratorFn make, std::vector<DType> dtypes, std::vector<Shape> shapes,
                   std::string name)
      : make_(std::move(make)),
        dtypes_(std::move(dtypes)),
        shapes_(std::move(shapes)),
        name_(std::move(name)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const GeneratorDataset* d;
      std::function<bool(Element*)> pull;
      bool done = false;
      explicit It(const GeneratorDataset* d) : d(d) {}
      bool next(Element* out) override {
        if (done) return false;
        if (!pull) pull = d->make_();  // the generator starts on the first element, as in TF
        out->clear();
        if (!pull(out)) {
          done = true;
          pull = nullptr;
          return false;
        }
        check_signature(*out, d->dtypes_, d->shapes_, "`generator`");
        return true;
      }
    };
    return std::make_unique<It>(this);
  }

 private:
  GeneratorFn make_;
  std::vector<DType> dtypes_;
  std::vector<Shape> shapes_;
  std::string name_;
};

}  // namespace

DatasetPtr bind_tensor_slice(const Binding& b) {
  std::vector<Tensor> components;
  for (size_t i = 0; i < b.spec.args.size(); ++i) components.push_back(b.arg(i));
  VF_CHECK(!components.empty(), ErrorCode::kInvalidArgument, b.spec.name, " needs a component");
  for (const Tensor& c : components)
    VF_CHECK(c.rank() >= 1, ErrorCode::kInvalidArgument,
             "Unbatching a tensor is only supported for rank >= 1");
  const int64_t n = components[0].dim(0);
  for (size_t i = 1; i < components.size(); ++i)
    VF_CHECK(components[i].dim(0) == n, ErrorCode::kInvalidArgument,
             "All components must have the same size in the 0th dimension, but component 0 has ", n,
             " and component ", i, " has ", components[i].dim(0));
  return std::make_shared<TensorSliceDataset>(std::move(components), n);
}

DatasetPtr bind_tensors(const Binding& b) {
  Element element;
  for (size_t i = 0; i < b.spec.args.size(); ++i) element.push_back(b.arg(i));
  return std::make_shared<TensorsDataset>(std::move(element));
}

DatasetPtr bind_range(const Binding& b) {
  const int64_t start = b.int_arg(0, "start");
  const int64_t stop = b.int_arg(1, "stop");
  const int64_t step = b.int_arg(2, "step");
  VF_CHECK(step != 0, ErrorCode::kInvalidArgument, "step must be a non-zero integer.");
  const DType dtype = b.spec.dtypes.empty() ? DType::kInt64 : b.spec.dtypes[0];
  return std::make_shared<RangeDataset>(start, stop, step, dtype);
}

DatasetPtr bind_generator(const Binding& b) {
  VF_CHECK(static_cast<bool>(b.spec.generator), ErrorCode::kInvalidArgument, b.spec.name,
           " has no generator");
  return std::make_shared<GeneratorDataset>(b.spec.generator, b.spec.dtypes, b.spec.shapes,
                                            b.spec.name);
}

}  // namespace varflow::data
