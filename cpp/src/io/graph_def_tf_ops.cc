#include "io/graph_def_tf_ops.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

extern "C" const unsigned char varflow_tf_op_defs_pb[];
extern "C" const unsigned long varflow_tf_op_defs_pb_size;

namespace varflow::io {

const pb::OpDefProto* tf_op_def(const std::string& op_type) {
  static const auto* defs = [] {
    auto* map = new std::unordered_map<std::string, pb::OpDefProto>();
    std::string_view bytes(reinterpret_cast<const char*>(varflow_tf_op_defs_pb),
                           varflow_tf_op_defs_pb_size);
    for (pb::OpDefProto& op : pb::parse_op_list(bytes)) {
      std::string name = op.name;
      map->emplace(std::move(name), std::move(op));
    }
    return map;
  }();
  auto it = defs->find(op_type);
  return it == defs->end() ? nullptr : &it->second;
}

std::vector<int> arg_lengths(const std::vector<pb::ArgDefProto>& args, int total) {
  int lists = 0;
  for (const auto& a : args) lists += !a.number_attr.empty() || !a.type_list_attr.empty();
  const int rest = std::max(total - (static_cast<int>(args.size()) - lists), 0);
  std::vector<int> out;
  for (const auto& a : args)
    out.push_back(!a.number_attr.empty() || !a.type_list_attr.empty() ? rest : 1);
  return out;
}

}  // namespace varflow::io
