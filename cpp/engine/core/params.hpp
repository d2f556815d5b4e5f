// Params: a plain tree of config values (int, float, string, list, dict) that every object kind and
// action reads its own config struct from. The binding builds it from a Python dict without knowing
// any kind; C++ drivers build it directly. Errors name the full path of the bad field.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "schema.hpp"

namespace metta::engine {

class Params {
 public:
  using List = std::vector<Params>;
  using Dict = std::vector<std::pair<std::string, Params>>;

  Params() = default;
  Params(std::int64_t value) : value_(value) {}  // NOLINT(google-explicit-constructor)
  Params(int value) : value_(static_cast<std::int64_t>(value)) {}  // NOLINT
  Params(double value) : value_(value) {}                          // NOLINT
  Params(std::string value) : value_(std::move(value)) {}          // NOLINT
  Params(const char* value) : value_(std::string(value)) {}        // NOLINT
  Params(List value) : value_(std::move(value)) {}                 // NOLINT
  Params(Dict value) : value_(std::move(value)) {}                 // NOLINT

  [[nodiscard]] bool is_dict() const { return std::holds_alternative<Dict>(value_); }
  [[nodiscard]] bool is_list() const { return std::holds_alternative<List>(value_); }

  // Value readers: `path` names this node in error messages.
  [[nodiscard]] std::int64_t as_int(std::string_view path) const;
  [[nodiscard]] double as_double(std::string_view path) const;
  [[nodiscard]] const std::string& as_string(std::string_view path) const;
  [[nodiscard]] const List& as_list(std::string_view path) const;
  [[nodiscard]] const Dict& as_dict(std::string_view path) const;

  // Dict lookups; `find` returns nullptr when absent.
  [[nodiscard]] const Params* find(std::string_view key) const;

  // Sets or replaces a key (dict nodes only); used by C++ drivers to build configs.
  Params& set(std::string key, Params value);

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, List, Dict> value_;
};

// Reads fields of one dict node, prefixing errors with its path ("objects[3].params.cooldown").
class ParamReader {
 public:
  ParamReader(const Params& node, std::string path);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool has(std::string_view key) const { return node_.find(key) != nullptr; }
  [[nodiscard]] std::int64_t get_int(std::string_view key, std::int64_t lo, std::int64_t hi) const;
  [[nodiscard]] std::int64_t get_int(std::string_view key, std::int64_t lo, std::int64_t hi,
                                     std::int64_t fallback) const;
  [[nodiscard]] double get_double(std::string_view key, double lo, double hi) const;
  [[nodiscard]] double get_double(std::string_view key, double lo, double hi,
                                  double fallback) const;
  [[nodiscard]] const std::string& get_string(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> get_string_list(std::string_view key) const;
  // Schema-driven readers: the field's name, bounds and default come from its ParamSpec.
  [[nodiscard]] std::int64_t read_int(const ParamSpec& spec) const;
  [[nodiscard]] double read_double(const ParamSpec& spec) const;
  [[nodiscard]] bool read_bool(const ParamSpec& spec) const;
  [[nodiscard]] const std::string& read_string(const ParamSpec& spec) const;
  // An item table {item name: value} as one value per item of `items`; unlisted items take
  // `fallback`. An unknown item name is an error naming it.
  [[nodiscard]] std::vector<double> read_table(const ParamSpec& spec,
                                               const std::vector<std::string>& items,
                                               double fallback) const;
  [[nodiscard]] std::vector<double> read_table(const ParamSpec& spec,
                                               const std::vector<std::string>& items) const {
    return read_table(spec, items, spec.fallback);
  }
  // Every key of this node must be a field of `schema` or one of `extra`; errors name the key.
  void check_keys(std::span<const ParamSpec> schema, std::span<const char* const> extra = {}) const;
  [[nodiscard]] ParamReader child(std::string_view key) const;
  [[nodiscard]] std::vector<ParamReader> children(std::string_view key) const;  // list of dicts
  [[nodiscard]] std::string field(std::string_view key) const;

 private:
  [[nodiscard]] const Params& at(std::string_view key) const;
  const Params& node_;
  std::string path_;
};

}  // namespace metta::engine
