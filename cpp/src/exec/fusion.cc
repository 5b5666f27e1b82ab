#include "exec/fusion.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

#include "core/thread_pool.h"
#include "exec/dense_fusion.h"

namespace varflow {

namespace {

// Bytes of one scratch tile: a few of them stay in L1/L2 while a chain runs over them; a chain
// with many scratch values keeps them all within kScratchBytes (in L2), in tiles of at least
// kMinTileBytes.
constexpr int64_t kTileBytes = 16384;
constexpr int64_t kMinTileBytes = 1024;
constexpr int64_t kScratchBytes = 512 * 1024;
// How many independent steps may be moved before a chain to join its parts.
constexpr size_t kMaxHoisted = 64;
// Elements of work (ops x elements) per thread-pool task, as the unfused kernels' grain.
constexpr int64_t kGrainWork = 32768;

struct TableEntry {
  int binary = -1;
  int unary = -1;
};

// The registry ops whose kernel is a table loop: each op of VF_BINARY_OPS / VF_UNARY_OPS is
// registered under its own name (math_ops.cc), Add also as AddV2 and Div as RealDiv.
const std::unordered_map<std::string, TableEntry>& fusable_ops() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, TableEntry>();
#define VF_ENTRY(name, dtypes, expr) \
  (*t)[#name].binary = static_cast<int>(kernels::BinaryOp::k##name);
    VF_BINARY_OPS(VF_ENTRY)
#undef VF_ENTRY
#define VF_ENTRY(name, dtypes, expr) \
  (*t)[#name].unary = static_cast<int>(kernels::UnaryOp::k##name);
    VF_UNARY_OPS(VF_ENTRY)
#undef VF_ENTRY
    (*t)["AddV2"] = (*t)["Add"];
    (*t)["RealDiv"] = (*t)["Div"];
    return t;
  }();
  return *table;
}

// The table entry of a node that computes dtype -> same dtype from one or two inputs of that
// dtype, or nullptr. BiasAdd over the last axis is an Add of a bias that broadcasts.
const TableEntry* entry_of(const Node& node) {
  const auto& table = fusable_ops();
  const bool bias_add = node.type() == "BiasAdd" || node.type() == "BiasAddV1";
  if (bias_add && node.op_def().find_attr("data_format") &&
      node.attrs().get<std::string>("data_format") != "NHWC")
    return nullptr;
  auto it = table.find(bias_add ? std::string("Add") : node.type());
  if (it == table.end() || node.num_outputs() != 1) return nullptr;
  const TableEntry& e = it->second;
  const size_t arity = e.binary >= 0 ? 2 : 1;
  if (node.inputs().size() != arity || node.op_def().stateful) return nullptr;
  const DType d = node.output_dtype(0);
  if (!is_floating(d)) return nullptr;
  for (const Output& in : node.inputs())
    if (in.dtype() != d) return nullptr;
  if (e.binary >= 0 &&
      kernels::binary_result_dtype(static_cast<kernels::BinaryOp>(e.binary), d) != d)
    return nullptr;
  return &e;
}

bool fusable_step(const PlanStep& step) {
  return !step.control && !step.fused && step.node && step.kernel && entry_of(*step.node) &&
         dense_fused_outputs(step) == 0 && step.node->output_shape(0).has_rank();
}

// A BroadcastTo of a float value to a fully known shape (a copy in the chain).
bool broadcast_step(const PlanStep& step) {
  if (step.control || step.fused || !step.node || !step.kernel || dense_fused_outputs(step) != 0)
    return false;
  const Node& node = *step.node;
  if (node.type() != "BroadcastTo" || node.inputs().size() != 2 || node.num_outputs() != 1)
    return false;
  const DType d = node.output_dtype(0);
  return is_floating(d) && node.inputs()[0].dtype() == d && node.output_shape(0).fully_defined();
}

// A step that may run before a chain it sits in: no control flow, no state, no variable
// access, and none of the chain's values among its inputs (checked by the caller).
bool independent_step(const PlanStep& step) {
  if (step.control || step.fused || !step.node || !step.kernel || dense_fused_outputs(step) != 0)
    return false;
  const OpDef& def = step.node->op_def();
  return !def.stateful && !def.is_variable && !def.is_placeholder && def.ref_inputs.empty() &&
         !def.ref_input_rule && step.frozen_check_input < 0;
}

// An operand's role in a chain of static shape `shape`: 0 the full shape, P > 0 it broadcasts,
// repeating its P elements (the chain's trailing dimensions, or P = 1 a single element), -1
// neither (the step cannot join the chain).
int64_t operand_role(const Output& in, const Shape& shape) {
  const Shape& s = in.shape();
  if (s == shape) return 0;
  if (!s.fully_defined() || s.rank() > shape.rank()) return -1;
  if (s.num_elements() == 1) return 1;
  int lead = 0;
  while (lead < s.rank() && s.dim(lead) == 1) ++lead;
  const int tail = s.rank() - lead;
  for (int i = 0; i < tail; ++i)
    if (s.dim(lead + i) != shape.dim(shape.rank() - tail + i)) return -1;
  return s.num_elements();
}

Dims without_leading_ones(const Dims& dims) {
  size_t lead = 0;
  while (lead < dims.size() && dims[lead] == 1) ++lead;
  Dims out;
  for (size_t i = lead; i < dims.size(); ++i) out.push_back(dims[i]);
  return out;
}

struct ChainBuilder {
  explicit ChainBuilder(const std::vector<int>& slot_readers) : readers(slot_readers) {}
  const std::vector<int>& readers;  // per slot, reads by all steps and fetches
  std::shared_ptr<FusedGroup> group = std::make_shared<FusedGroup>();
  PlanStep fused;
  Shape shape;
  std::unordered_map<int, int> value_of_slot;  // slot -> value index
  std::unordered_map<int, int> external_of_slot;

  bool accepts(const PlanStep& step) const {
    if (broadcast_step(step)) {
      const Shape& out = step.node->output_shape(0);
      if (!group->ops.empty() && (step.node->output_dtype(0) != group->dtype || out != shape))
        return false;
      if (value_of_slot.count(step.input_slots[0])) return true;
      return operand_role(step.node->inputs()[0], out) >= 0;
    }
    if (!fusable_step(step)) return false;
    if (group->ops.empty()) {
      bool full = false;
      for (const Output& in : step.node->inputs()) {
        const int64_t role = operand_role(in, step.node->output_shape(0));
        if (role < 0) return false;
        full = full || role == 0;
      }
      return full;
    }
    if (step.node->output_dtype(0) != group->dtype || step.node->output_shape(0) != shape)
      return false;
    bool full = false;
    for (size_t i = 0; i < step.input_slots.size(); ++i) {
      if (value_of_slot.count(step.input_slots[i])) {
        full = true;
        continue;
      }
      const int64_t role = operand_role(step.node->inputs()[i], shape);
      if (role < 0) return false;
      full = full || role == 0;
    }
    return full;
  }

  bool empty() const { return group->ops.empty(); }

  bool reads_chain_value(const PlanStep& step) const {
    for (int s : step.input_slots)
      if (value_of_slot.count(s)) return true;
    return false;
  }

  // The external input index of `slot`, added with `period` if new.
  int external(int slot, int64_t period, const Dims& dims) {
    auto x = external_of_slot.find(slot);
    if (x != external_of_slot.end()) return x->second;
    const int k = static_cast<int>(fused.input_slots.size());
    external_of_slot[slot] = k;
    fused.input_slots.push_back(slot);
    group->external_period.push_back(period);
    group->external_dims.push_back(dims);
    return k;
  }

  void add(const PlanStep& step) {
    if (group->ops.empty()) {
      group->dtype = step.node->output_dtype(0);
      shape = step.node->output_shape(0);
      group->static_known = shape.fully_defined();
      if (group->static_known) group->static_dims = shape.dims();
    }
    const bool copy = broadcast_step(step);
    const TableEntry* e = copy ? nullptr : entry_of(*step.node);
    const kernels::ElementwiseTable& table = kernels::elementwise_table();
    const int d = static_cast<int>(group->dtype);
    FusedOp op;
    if (e && e->binary >= 0)
      op.binary = table.binary[e->binary][d];
    else if (e)
      op.unary = table.unary[e->unary][d];
    const size_t operands = copy ? 1 : step.input_slots.size();
    for (size_t i = 0; i < operands; ++i) {
      const int slot = step.input_slots[i];
      auto v = value_of_slot.find(slot);
      if (v != value_of_slot.end()) {
        op.operands[i] = v->second;
        continue;
      }
      const Output& in = step.node->inputs()[i];
      const int k =
          external(slot, operand_role(in, shape), without_leading_ones(in.shape().dims()));
      op.operands[i] = -(k + 1);
      op.period = std::max(op.period, group->external_period[static_cast<size_t>(k)]);
    }
    // BroadcastTo's shape: read by the unfused steps only, but kept alive for them.
    if (copy && !value_of_slot.count(step.input_slots[1])) external(step.input_slots[1], -1, {});
    if (!op.binary) op.operands[1] = op.operands[0];
    value_of_slot[step.first_output] = static_cast<int>(group->ops.size());
    group->value_slots.push_back(step.first_output);
    group->ops.push_back(op);
    group->steps.push_back(step);
  }

  // Scratch tiles for the values nobody outside the chain reads, reused after their last read.
  PlanStep finish() {
    const size_t n = group->ops.size();
    std::vector<int> inside(n, 0), last(n, -1);
    for (size_t k = 0; k < n; ++k) {
      const FusedOp& op = group->ops[k];
      const int arity = op.binary ? 2 : 1;
      for (int i = 0; i < arity; ++i)
        if (op.operands[i] >= 0) {
          ++inside[static_cast<size_t>(op.operands[i])];
          last[static_cast<size_t>(op.operands[i])] = static_cast<int>(k);
        }
    }
    // A unary op's second operand repeats the first: counted once above (arity 1).
    group->registers.assign(n, -1);
    std::vector<int> free_registers;
    for (size_t k = 0; k < n; ++k) {
      const FusedOp& op = group->ops[k];
      const int arity = op.binary ? 2 : 1;
      for (int i = 0; i < arity; ++i) {
        const int v = op.operands[i];
        if (v >= 0 && last[static_cast<size_t>(v)] == static_cast<int>(k) &&
            group->registers[static_cast<size_t>(v)] >= 0 && (i == 0 || v != op.operands[0]))
          free_registers.push_back(group->registers[static_cast<size_t>(v)]);
      }
      const int slot = group->value_slots[k];
      if (readers[static_cast<size_t>(slot)] > inside[k]) continue;  // read outside: materialised
      if (free_registers.empty()) {
        group->registers[k] = group->num_registers++;
      } else {
        group->registers[k] = free_registers.back();
        free_registers.pop_back();
      }
      if (last[k] < 0) free_registers.push_back(group->registers[k]);  // never read
    }
    const int64_t esize = static_cast<int64_t>(dtype_size(group->dtype));
    int64_t bytes = kTileBytes;
    if (group->num_registers > 0)
      bytes = std::min(bytes, std::max(kMinTileBytes, kScratchBytes / group->num_registers));
    group->tile = std::max<int64_t>(1, (bytes / 64) * 64 / esize);
    const PlanStep& tail = group->steps.back();
    fused.node = tail.node;
    fused.first_output = tail.first_output;
    fused.resources.assign(fused.input_slots.size() + 1, nullptr);
    fused.fused = group;
    return std::move(fused);
  }
};

// Reads of each slot by the steps of a block and the blocks nested in them: inputs, and what
// control-flow steps read themselves (predicates, results, initial and saved values).
void count_readers(const std::vector<PlanStep>& steps, std::vector<int>& readers) {
  auto read = [&](int s) {
    if (s >= 0) ++readers[static_cast<size_t>(s)];
  };
  for (const PlanStep& step : steps) {
    for (int s : step.input_slots) read(s);
    if (!step.control) continue;
    const ControlStep& c = *step.control;
    read(c.predicate_slot);
    read(c.condition_slot);
    read(c.maximum_iterations_slot);
    for (const auto* list :
         {&c.branch_results[0], &c.branch_results[1], &c.init_slots, &c.body_result_slots})
      for (int s : *list) read(s);
    for (const auto& [slot, stack] : c.saved) read(slot);
    count_readers(c.branches[0], readers);
    count_readers(c.branches[1], readers);
    count_readers(c.condition_steps, readers);
    count_readers(c.body_steps, readers);
  }
}

void fuse_block(std::vector<PlanStep>& steps, const std::vector<int>& readers) {
  std::vector<PlanStep> out;
  out.reserve(steps.size());
  size_t t = 0;
  while (t < steps.size()) {
    PlanStep& first = steps[t];
    if (first.control) {  // its blocks are fused on their own
      auto c = std::make_shared<ControlStep>(*first.control);
      fuse_block(c->branches[0], readers);
      fuse_block(c->branches[1], readers);
      fuse_block(c->condition_steps, readers);
      fuse_block(c->body_steps, readers);
      first.control = std::move(c);
      out.push_back(std::move(first));
      ++t;
      continue;
    }
    ChainBuilder chain(readers);
    std::vector<size_t> members, hoisted;
    size_t end = t;
    for (size_t k = t; k < steps.size(); ++k) {
      if (chain.accepts(steps[k])) {
        chain.add(steps[k]);
        members.push_back(k);
        end = k + 1;
        continue;
      }
      if (chain.empty() || k - end >= kMaxHoisted || !independent_step(steps[k]) ||
          chain.reads_chain_value(steps[k]))
        break;
      hoisted.push_back(k);
    }
    if (members.size() >= 2) {
      for (size_t k : hoisted)
        if (k < end) out.push_back(std::move(steps[k]));
      out.push_back(chain.finish());
      t = end;
    } else {
      out.push_back(std::move(steps[t++]));
    }
  }
  steps = std::move(out);
}

}  // namespace

bool may_write_in_place(const Node& node, int input) {
  if (entry_of(node)) return true;
  const std::string& type = node.type();
  const DType d = node.output_dtype(0);
  if (!is_floating(d) || node.num_outputs() != 1) return false;
  // The bias broadcasts over the value, element by element.
  if (type == "BiasAdd" || type == "BiasAddV1") return input == 0;
  // AddN adds input 0 and 1 into its output, then each further input: only input 0 (or 1) may
  // share the output's buffer.
  if (type == "AddN") return input == 0 && node.inputs().size() >= 2;
  // kernels/activations.h: out[i] = f(a[i], b[i]).
  if (type == "LeakyRelu" || type == "Selu" || type == "LeakyReluGrad" || type == "SeluGrad")
    return true;
  // The collective runtime reads the whole tensor (into MPI, or into a fusion buffer) before it
  // writes the result, and hands MPI one buffer for both (MPI_IN_PLACE, no copy of its own).
  if (type == "HorovodAllreduce") return true;
  return false;
}

void fuse_elementwise(Plan& plan) {
  std::vector<int> readers(static_cast<size_t>(plan.num_slots), 0);
  count_readers(plan.steps, readers);
  for (int s : plan.fetch_slots) ++readers[static_cast<size_t>(s)];
  fuse_block(plan.steps, readers);
}

namespace {

// Whether `n`'s static output shapes hold at run time whatever is fed: every value it was
// inferred from has a fully known shape, all the way up, and no variable is among them. A shape
// rule that merges a partly known input with a known one (AddN of [3,3] and [3,?]) gives a full
// static shape that a mismatched feed breaks; only the node's kernel then reports it, so the
// node must run.
bool shape_is_certain(const Node* n, std::unordered_map<const Node*, bool>& memo) {
  if (auto it = memo.find(n); it != memo.end()) return it->second;
  memo[n] = false;  // cycles (loops) are never certain
  const OpDef& def = n->op_def();
  bool certain =
      !def.is_variable && def.ref_inputs.empty() && !def.ref_input_rule && n->type() != "LoopVar";
  for (size_t i = 0; certain && i < n->inputs().size(); ++i) {
    const Output& in = n->inputs()[i];
    certain = in.shape().fully_defined() && shape_is_certain(in.node, memo);
  }
  memo[n] = certain;
  return certain;
}

}  // namespace

bool static_shape_value(const Node& node, Tensor& value) {
  const std::string& type = node.type();
  if ((type != "Shape" && type != "Size" && type != "Rank") || node.inputs().size() != 1 ||
      !node.control_inputs().empty())
    return false;
  const Output& in = node.inputs()[0];
  const OpDef& def = in.node->op_def();
  const Shape& s = in.shape();
  if (def.is_variable || !def.ref_inputs.empty() || def.ref_input_rule || !s.fully_defined() ||
      in.node->type() == "LoopVar")
    return false;
  std::unordered_map<const Node*, bool> memo;
  if (!shape_is_certain(in.node, memo)) return false;
  const DType t = node.output_dtype(0);
  if (t != DType::kInt32 && t != DType::kInt64) return false;
  auto fits = [&](int64_t v) {
    return t == DType::kInt64 || v <= std::numeric_limits<int32_t>::max();
  };
  auto scalar = [&](int64_t v) {
    return t == DType::kInt32 ? Tensor::scalar<int32_t>(static_cast<int32_t>(v))
                              : Tensor::scalar<int64_t>(v);
  };
  if (type == "Rank") {
    value = scalar(s.rank());
    return true;
  }
  if (type == "Size") {
    const int64_t n = s.num_elements();
    if (n < 0 || !fits(n)) return false;  // the kernel reports it
    value = scalar(n);
    return true;
  }
  Tensor out(t, {static_cast<int64_t>(s.rank())});
  for (int i = 0; i < s.rank(); ++i) {
    if (!fits(s.dim(i))) return false;
    if (t == DType::kInt32)
      out.data<int32_t>()[i] = static_cast<int32_t>(s.dim(i));
    else
      out.data<int64_t>()[i] = s.dim(i);
  }
  value = out;
  return true;
}

namespace {

struct alignas(64) CacheLine {
  char bytes[64];
};

// Per-thread scratch tiles, grown once to the largest chain's need.
char* scratch(size_t bytes) {
  thread_local std::vector<CacheLine> lines;
  if (bytes == 0) return nullptr;
  const size_t need = (bytes + sizeof(CacheLine) - 1) / sizeof(CacheLine);
  if (lines.size() < need) lines.resize(need);
  return lines.front().bytes;
}

}  // namespace

bool run_fused(const PlanStep& step, std::vector<Tensor>& values, ThreadPool& pool,
               const SpareBuffers& spares) {
  const FusedGroup& g = *step.fused;
  const size_t num_external = step.input_slots.size();
  // The shape every value of the chain has this run: the full operands' (all the same). An
  // input without a value: the unfused steps name the op that reads it.
  const Dims* dims = nullptr;
  for (size_t k = 0; k < num_external; ++k) {
    const Tensor& t = values[static_cast<size_t>(step.input_slots[k])];
    if (!t.defined()) return false;
    if (g.external_period[k] != 0) continue;
    if (!dims)
      dims = &t.dims();
    else if (t.dims() != *dims)
      return false;
  }
  if (!dims && g.static_known) dims = &g.static_dims;  // every operand broadcasts
  if (!dims) return false;
  // The broadcasting operands have the dimensions they were compiled with, no more than the
  // chain's rank, and those are the chain's trailing ones this run.
  for (size_t k = 0; k < num_external; ++k) {
    if (g.external_period[k] <= 0) continue;
    const Tensor& t = values[static_cast<size_t>(step.input_slots[k])];
    if (t.num_elements() != g.external_period[k] || t.rank() > static_cast<int>(dims->size()))
      return false;
    const Dims& tail = g.external_dims[k];
    if (g.external_period[k] == 1) continue;
    if (without_leading_ones(t.dims()) != tail) return false;
    for (size_t i = 0; i < tail.size(); ++i)
      if ((*dims)[dims->size() - tail.size() + i] != tail[i]) return false;
  }
  const Dims shape = *dims;  // the slots below may be written
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const size_t esize = dtype_size(g.dtype);
  const size_t num_values = g.ops.size();
  // Base pointers: externals, then materialised values (nullptr for scratch ones).
  thread_local std::vector<char*> base_storage;
  if (base_storage.size() < num_external + num_values)
    base_storage.resize(num_external + num_values);
  char** bases = base_storage.data();
  for (size_t k = 0; k < num_external; ++k)
    bases[k] = static_cast<char*>(values[static_cast<size_t>(step.input_slots[k])].raw());
  for (size_t v = 0; v < num_values; ++v) {
    bases[num_external + v] = nullptr;
    if (g.registers[v] >= 0) continue;
    Tensor& slot = values[static_cast<size_t>(g.value_slots[v])];
    bases[num_external + v] = static_cast<char*>(obtain_output(slot, g.dtype, shape, spares).raw());
  }
  if (n == 0) return true;
  const int64_t tile = g.tile;
  const int64_t tiles = (n + tile - 1) / tile;
  const int64_t grain =
      std::max<int64_t>(1, kGrainWork / (tile * static_cast<int64_t>(num_values)));
  const size_t tile_bytes = static_cast<size_t>(tile) * esize;
  const size_t scratch_bytes = static_cast<size_t>(g.num_registers) * tile_bytes;
  pool.parallel_for(
      tiles, grain,
      [&](int64_t first, int64_t last) {
        char* regs = scratch(scratch_bytes);
        for (int64_t t = first; t < last; ++t) {
          const int64_t begin = t * tile;
          const int64_t end = std::min(begin + tile, n);
          // Operand pointers for the elements [pos, ...) of this tile.
          auto pointer = [&](int operand, int64_t pos, int64_t& stride) -> char* {
            if (operand < 0) {
              const size_t k = static_cast<size_t>(-operand - 1);
              const int64_t period = g.external_period[k];
              stride = period == 1 ? 0 : 1;
              const int64_t at = period == 0 ? pos : (period == 1 ? 0 : pos % period);
              return bases[k] + static_cast<size_t>(at) * esize;
            }
            stride = 1;
            const int r = g.registers[static_cast<size_t>(operand)];
            return r >= 0 ? regs + static_cast<size_t>(r) * tile_bytes +
                                static_cast<size_t>(pos - begin) * esize
                          : bases[num_external + static_cast<size_t>(operand)] +
                                static_cast<size_t>(pos) * esize;
          };
          for (size_t v = 0; v < num_values; ++v) {
            const FusedOp& op = g.ops[v];
            // An operand repeating P elements: in pieces that do not cross a repetition.
            for (int64_t pos = begin; pos < end;) {
              const int64_t stop =
                  op.period > 1 ? std::min(end, (pos / op.period + 1) * op.period) : end;
              int64_t out_stride, sa, sb;
              char* out = pointer(static_cast<int>(v), pos, out_stride);
              const char* a = pointer(op.operands[0], pos, sa);
              if (op.unary) {
                op.unary(a, out, stop - pos);
              } else if (!op.binary) {  // a copy, of one element repeated or of a run
                const size_t count = static_cast<size_t>(stop - pos);
                if (sa == 0 && esize == sizeof(float)) {
                  float v;
                  std::memcpy(&v, a, sizeof v);
                  std::fill_n(reinterpret_cast<float*>(out), count, v);
                } else if (sa == 0) {
                  double v;
                  std::memcpy(&v, a, sizeof v);
                  std::fill_n(reinterpret_cast<double*>(out), count, v);
                } else {
                  std::memcpy(out, a, count * esize);
                }
              } else {
                const char* b = pointer(op.operands[1], pos, sb);
                op.binary(a, sa, b, sb, out, stop - pos);
              }
              pos = stop;
            }
          }
        }
      },
      1);
  return true;
}

}  // namespace varflow
