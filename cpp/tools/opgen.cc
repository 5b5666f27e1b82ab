// Writes the typed C++ builders of every registered op (cpp/include/varflow/ops_generated.h
// and cpp/src/ops/ops_generated.cc) from the registry's declarations: inputs, attributes with
// their types and defaults, outputs and docs. The files are checked in so that a host reads
// them like any header; `--check` (a ctest test) fails when they no longer match the registry,
// so the C++ API cannot lag the op library.
//
//   varflow_opgen --write <source dir>   regenerate
//   varflow_opgen --check <source dir>   exit 1 and say what differs when stale
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "varflow/op_registry.h"

namespace {

using varflow::AttrDef;
using varflow::AttrType;
using varflow::AttrValue;
using varflow::OpDef;

const std::set<std::string> kReserved = {
    "and",      "auto",   "bool",     "break",  "case",     "char",     "class",   "const",
    "default",  "delete", "do",       "double", "else",     "enum",     "float",   "for",
    "if",       "int",    "long",     "new",    "not",      "operator", "or",      "private",
    "public",   "return", "short",    "signed", "sizeof",   "static",   "struct",  "switch",
    "template", "this",   "typename", "union",  "unsigned", "using",    "void",    "while",
    "xor",      "graph",  "name",     "attrs",  "inputs",   "node",     "op_attrs"};

std::string identifier(const std::string& name) {
  return kReserved.count(name) ? name + "_" : name;
}

const char* cpp_type(AttrType type) {
  switch (type) {
    case AttrType::kBool:
      return "bool";
    case AttrType::kInt:
      return "int64_t";
    case AttrType::kFloat:
      return "double";
    case AttrType::kString:
      return "std::string";
    case AttrType::kType:
      return "::varflow::DType";  // qualified: the builders Shape() etc. hide the types
    case AttrType::kShape:
      return "::varflow::Shape";
    case AttrType::kIntList:
      return "std::vector<int64_t>";
    case AttrType::kFloatList:
      return "std::vector<double>";
    case AttrType::kTensor:
      return "::varflow::Tensor";
  }
  return "?";
}

const char* dtype_enumerator(varflow::DType d) {
  switch (d) {
    case varflow::DType::kFloat32:
      return "::varflow::DType::kFloat32";
    case varflow::DType::kFloat64:
      return "::varflow::DType::kFloat64";
    case varflow::DType::kInt32:
      return "::varflow::DType::kInt32";
    case varflow::DType::kInt64:
      return "::varflow::DType::kInt64";
    case varflow::DType::kBool:
      return "::varflow::DType::kBool";
    case varflow::DType::kString:
      return "::varflow::DType::kString";
    case varflow::DType::kInt8:
      return "::varflow::DType::kInt8";
    case varflow::DType::kInt16:
      return "::varflow::DType::kInt16";
    case varflow::DType::kUInt8:
      return "::varflow::DType::kUInt8";
    case varflow::DType::kUInt16:
      return "::varflow::DType::kUInt16";
    case varflow::DType::kUInt32:
      return "::varflow::DType::kUInt32";
    case varflow::DType::kUInt64:
      return "::varflow::DType::kUInt64";
    case varflow::DType::kFloat16:
      return "::varflow::DType::kFloat16";
    case varflow::DType::kBFloat16:
      return "::varflow::DType::kBFloat16";
    case varflow::DType::kComplex64:
      return "::varflow::DType::kComplex64";
    case varflow::DType::kComplex128:
      return "::varflow::DType::kComplex128";
    case varflow::DType::kInvalid:
      return "::varflow::DType::kInvalid";
  }
  return "::varflow::DType::kInvalid";
}

// A C++ string literal of `s` (attribute defaults hold newlines: PrintV2's end).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
  }
  return out + "\"";
}

std::string literal(const AttrValue& value) {
  std::ostringstream out;
  out.precision(17);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out << (v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, int64_t>) {
          out << "int64_t{" << v << "}";
        } else if constexpr (std::is_same_v<T, double>) {
          out << v;
          if (out.str().find_first_of(".en") == std::string::npos) out << ".0";
        } else if constexpr (std::is_same_v<T, std::string>) {
          out << quoted(v);
        } else if constexpr (std::is_same_v<T, varflow::DType>) {
          out << dtype_enumerator(v);
        } else if constexpr (std::is_same_v<T, varflow::Shape>) {
          if (!v.has_rank()) {
            out << "::varflow::Shape::unknown_rank()";
          } else {
            out << "::varflow::Shape{";
            for (int i = 0; i < v.rank(); ++i) out << (i ? ", " : "") << v.dim(i);
            out << "}";
          }
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>> ||
                             std::is_same_v<T, std::vector<double>>) {
          out << "{";
          for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
          out << "}";
        } else {
          out << "::varflow::Tensor()";
        }
      },
      value);
  return out.str();
}

std::string comment_lines(const std::string& text, const std::string& indent) {
  if (text.empty()) return "";
  std::string out, line;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    if (!line.empty() && line.size() + word.size() + indent.size() + 4 > 100) {
      out += indent + "// " + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + "// " + line + "\n";
  return out;
}

bool optional_attrs(const OpDef& def) {
  for (const AttrDef& a : def.attrs)
    if (a.default_value) return true;
  return false;
}

// The parameter list of op `def`'s builder, without defaults (`with_defaults` adds them).
std::string parameters(const OpDef& def, bool with_defaults) {
  std::vector<std::string> params;
  if (def.input_names.empty()) params.push_back("Graph& graph");
  if (def.variadic_inputs) {
    params.push_back("const std::vector<Output>& inputs");
  } else {
    for (const std::string& in : def.input_names) params.push_back("Output " + identifier(in));
  }
  for (const AttrDef& a : def.attrs)
    if (!a.default_value)
      params.push_back(std::string("const ") + cpp_type(a.type) + "& " + identifier(a.name));
  if (optional_attrs(def))
    params.push_back("const " + def.name + "Attrs& attrs" + (with_defaults ? " = {}" : ""));
  params.push_back(std::string("const std::string& name") + (with_defaults ? " = \"\"" : ""));
  std::string out;
  for (size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + params[i];
  return out;
}

// `head(params)` + `tail` on one line when it fits in 100 columns, else one parameter a line.
std::string signature(const std::string& head, const std::string& params, const std::string& tail) {
  if (head.size() + params.size() + tail.size() + 2 <= 100) return head + "(" + params + ")" + tail;
  std::string out = head + "(\n    ";
  for (char ch : params) {
    out += ch;
    if (ch == ',') out += "\n   ";
  }
  return out + ")" + tail;
}

std::string return_type(const OpDef& def) {
  return def.output_names.size() == 1 ? "Output" : "Node*";
}

void write_header(std::ostream& out, const std::vector<const OpDef*>& defs) {
  out << "// Generated by cpp/tools/opgen.cc from the op registry: do not edit. Regenerate with\n"
         "// `varflow_opgen --write <source dir>` (built with -DVARFLOW_BUILD_TESTS=ON).\n"
         "//\n"
         "// One typed builder per registered op, named as the op. Inputs come first (ops without\n"
         "// inputs take the graph), then required attributes, then the op's optional attributes\n"
         "// as a <Op>Attrs struct with chainable setters, then the node name (empty: the op's\n"
         "// name, made unique). Ops with one output return it; the others return the node.\n"
         "// Errors: graph-building errors as Graph::add_node (ValueError/TypeError codes naming\n"
         "// the node); thread-safety as Graph (not safe concurrently on one graph).\n"
         "#pragma once\n\n#include <cstdint>\n#include <string>\n#include <utility>\n#include "
         "<vector>\n\n"
         "#include \"varflow/graph.h\"\n#include \"varflow/shape.h\"\n"
         "#include \"varflow/tensor.h\"\n\nnamespace varflow::ops {\n";
  for (const OpDef* def : defs) {
    out << "\n";
    if (optional_attrs(*def)) {
      out << "// Optional attributes of " << def->name << ".\n";
      out << "struct " << def->name << "Attrs {\n";
      for (const AttrDef& a : def->attrs) {
        if (!a.default_value) continue;
        out << comment_lines(a.doc, "  ");
        out << "  " << cpp_type(a.type) << " " << identifier(a.name) << " = "
            << literal(*a.default_value) << ";\n";
      }
      for (const AttrDef& a : def->attrs) {
        if (!a.default_value) continue;
        out << "  " << def->name << "Attrs& with_" << a.name << "(" << cpp_type(a.type)
            << " value) {\n    " << identifier(a.name)
            << " = std::move(value);\n    return *this;\n  }\n";
      }
      out << "};\n";
    }
    std::string summary = def->name + "(";
    for (size_t i = 0; i < def->input_names.size(); ++i)
      summary += (i ? ", " : "") + def->input_names[i];
    if (def->variadic_inputs) summary += ", ...";
    summary += ") -> ";
    for (size_t i = 0; i < def->output_names.size(); ++i)
      summary += (i ? ", " : "") + def->output_names[i];
    if (def->output_names.empty()) summary += "nothing";
    summary += ".";
    if (!def->doc.empty()) summary += " " + def->doc;
    for (const AttrDef& a : def->attrs)
      if (!a.default_value)
        summary += " " + a.name + " (" + varflow::attr_type_name(a.type) + ")" +
                   (a.doc.empty() ? "" : ": " + a.doc) + ".";
    out << comment_lines(summary, "");
    out << signature(return_type(*def) + " " + def->name, parameters(*def, true), ";") << "\n";
  }
  out << "\n}  // namespace varflow::ops\n";
}

void write_source(std::ostream& out, const std::vector<const OpDef*>& defs) {
  out << "// Generated by cpp/tools/opgen.cc from the op registry: do not edit.\n"
         "#include \"varflow/ops_generated.h\"\n\n#include \"varflow/errors.h\"\n\n"
         "namespace varflow::ops {\n\nnamespace {\n"
         "// The graph of a variadic op's inputs (it needs at least one to know its graph).\n"
         "Graph& graph_of(const std::vector<Output>& inputs, const char* op) {\n"
         "  if (inputs.empty() || inputs[0].node == nullptr)\n"
         "    raise(ErrorCode::kValue, op, \" needs at least one input\");\n"
         "  return inputs[0].graph();\n}\n}  // namespace\n";
  for (const OpDef* def : defs) {
    out << "\n"
        << signature(return_type(*def) + " " + def->name, parameters(*def, false), " {") << "\n";
    out << "  AttrMap op_attrs;\n";
    for (const AttrDef& a : def->attrs)
      out << "  op_attrs.set(" << quoted(a.name) << ", "
          << (a.default_value ? "attrs." + identifier(a.name) : identifier(a.name)) << ");\n";
    std::string inputs;
    if (def->variadic_inputs) {
      inputs = "inputs";
    } else {
      inputs = "{";
      for (size_t i = 0; i < def->input_names.size(); ++i)
        inputs += (i ? ", " : "") + identifier(def->input_names[i]);
      inputs += "}";
    }
    const std::string graph = def->input_names.empty() ? "graph"
                              : def->variadic_inputs ? "graph_of(inputs, \"" + def->name + "\")"
                                                     : identifier(def->input_names[0]) + ".graph()";
    out << signature("  Node* node = " + graph + ".add_node",
                     quoted(def->name) + ", " + inputs + ", std::move(op_attrs), name", ";")
        << "\n";
    out << (def->output_names.size() == 1 ? "  return node->output(0);\n" : "  return node;\n");
    out << "}\n";
  }
  out << "\n}  // namespace varflow::ops\n";
}

std::string render(void (*writer)(std::ostream&, const std::vector<const OpDef*>&),
                   const std::vector<const OpDef*>& defs) {
  std::ostringstream out;
  writer(out, defs);
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "--write" && std::string(argv[1]) != "--check")) {
    std::cerr << "usage: varflow_opgen --write|--check <varflow source dir>\n";
    return 2;
  }
  const bool write = std::string(argv[1]) == "--write";
  const std::string root = argv[2];
  const std::vector<const OpDef*> defs = varflow::OpRegistry::global().all();  // sorted by name
  const std::pair<std::string, std::string> files[] = {
      {root + "/cpp/include/varflow/ops_generated.h", render(write_header, defs)},
      {root + "/cpp/src/ops/ops_generated.cc", render(write_source, defs)},
  };
  int stale = 0;
  for (const auto& [path, text] : files) {
    if (write) {
      std::ofstream(path, std::ios::binary) << text;
      std::cout << "wrote " << path << "\n";
    } else if (read_file(path) != text) {
      std::cerr << path << " does not match the op registry (an op, input or attribute was "
                << "added or changed): run `varflow_opgen --write " << root << "`\n";
      ++stale;
    }
  }
  return stale ? 1 : 0;
}
