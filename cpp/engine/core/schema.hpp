// Schema types: what every object kind and action declares about itself in its own class (config
// fields with types, bounds and defaults; features it writes; stats it counts). The registry
// (registry.cpp) collects the declarations, the binding exports them, and Python checks configs
// against them, so each fact is written once, next to the code that uses it.
#pragma once

#include <cstdint>
#include <limits>

#include "ids.hpp"

namespace metta::engine {

enum class ParamType : std::uint8_t {
  Int,         // integer in [lo, hi]
  Float,       // number in [lo, hi]
  Bool,        // 0/1 (Python bool)
  String,      // text
  StringList,  // list of text
  IntTable,    // {item name: integer in [lo, hi]}; unlisted items take `fallback`
  FloatTable,  // {item name: number in [lo, hi]}; unlisted items take `fallback`
};

// One config field of a kind or action. A field is required unless `has_default`. An item table
// whose unlisted items take another field's value names that field in `fallback_from`.
struct ParamSpec {
  const char* name;
  ParamType type;
  double lo;
  double hi;
  double fallback;
  bool has_default;
  const char* doc;
  const char* fallback_from = nullptr;
};

constexpr ParamSpec int_param(const char* name, std::int64_t lo, std::int64_t hi,
                              std::int64_t fallback, const char* doc) {
  return {name,
          ParamType::Int,
          static_cast<double>(lo),
          static_cast<double>(hi),
          static_cast<double>(fallback),
          true,
          doc};
}
constexpr ParamSpec required_int(const char* name, std::int64_t lo, std::int64_t hi,
                                 const char* doc) {
  return {name, ParamType::Int, static_cast<double>(lo), static_cast<double>(hi), 0.0, false, doc};
}
constexpr ParamSpec float_param(const char* name, double lo, double hi, double fallback,
                                const char* doc) {
  return {name, ParamType::Float, lo, hi, fallback, true, doc};
}
constexpr ParamSpec bool_param(const char* name, bool fallback, const char* doc) {
  return {name, ParamType::Bool, 0.0, 1.0, fallback ? 1.0 : 0.0, true, doc};
}
constexpr ParamSpec required_string(const char* name, const char* doc) {
  return {name, ParamType::String, 0.0, 0.0, 0.0, false, doc};
}
constexpr ParamSpec int_table(const char* name, std::int64_t lo, std::int64_t hi,
                              std::int64_t fallback, const char* doc,
                              const char* fallback_from = nullptr) {
  return {name,
          ParamType::IntTable,
          static_cast<double>(lo),
          static_cast<double>(hi),
          static_cast<double>(fallback),
          true,
          doc,
          fallback_from};
}
constexpr ParamSpec float_table(const char* name, double lo, double hi, double fallback,
                                const char* doc) {
  return {name, ParamType::FloatTable, lo, hi, fallback, true, doc};
}

constexpr ParamSpec required_string_list(const char* name, const char* doc) {
  return {name, ParamType::StringList, 0.0, 0.0, 0.0, false, doc};
}

// A stat a kind or action counts. `<item>` and `<group>` stand for every item / group name.
struct StatSpec {
  const char* name;
  const char* doc;
};

// An observation feature with a fixed id. Core features are published by every game; a kind's own
// (extension) features only by games whose config uses the kind.
struct FeatureSpec {
  std::uint8_t id;
  const char* name;
  float normalization;
  bool global;  // the observer's own token (at or next to the window centre), not an object's
};

}  // namespace metta::engine
