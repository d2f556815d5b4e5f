// Params tree readers with path-naming errors.
#include "params.hpp"

#include <cmath>
#include <stdexcept>

namespace metta::engine {

namespace {
[[noreturn]] void type_error(std::string_view path, std::string_view expected) {
  throw std::invalid_argument(std::string(path) + ": expected " + std::string(expected));
}
}  // namespace

std::int64_t Params::as_int(std::string_view path) const {
  if (const auto* value = std::get_if<std::int64_t>(&value_)) return *value;
  if (const auto* value = std::get_if<double>(&value_)) {
    if (std::isfinite(*value) && std::floor(*value) == *value)
      return static_cast<std::int64_t>(*value);
  }
  type_error(path, "an integer");
}

double Params::as_double(std::string_view path) const {
  if (const auto* value = std::get_if<double>(&value_)) return *value;
  if (const auto* value = std::get_if<std::int64_t>(&value_)) return static_cast<double>(*value);
  type_error(path, "a number");
}

const std::string& Params::as_string(std::string_view path) const {
  if (const auto* value = std::get_if<std::string>(&value_)) return *value;
  type_error(path, "a string");
}

const Params::List& Params::as_list(std::string_view path) const {
  if (const auto* value = std::get_if<List>(&value_)) return *value;
  type_error(path, "a list");
}

const Params::Dict& Params::as_dict(std::string_view path) const {
  if (const auto* value = std::get_if<Dict>(&value_)) return *value;
  type_error(path, "a dict");
}

const Params* Params::find(std::string_view key) const {
  const auto* dict = std::get_if<Dict>(&value_);
  if (dict == nullptr) return nullptr;
  for (const auto& [name, value] : *dict) {
    if (name == key) return &value;
  }
  return nullptr;
}

Params& Params::set(std::string key, Params value) {
  if (std::holds_alternative<std::monostate>(value_)) value_ = Dict{};
  auto* dict = std::get_if<Dict>(&value_);
  if (dict == nullptr) throw std::invalid_argument("Params::set on a node that is not a dict");
  for (auto& [name, existing] : *dict) {
    if (name == key) {
      existing = std::move(value);
      return *this;
    }
  }
  dict->emplace_back(std::move(key), std::move(value));
  return *this;
}

ParamReader::ParamReader(const Params& node, std::string path)
    : node_(node), path_(std::move(path)) {
  (void)node_.as_dict(path_);
}

std::string ParamReader::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Params& ParamReader::at(std::string_view key) const {
  const Params* value = node_.find(key);
  if (value == nullptr) throw std::invalid_argument(field(key) + ": missing");
  return *value;
}

std::int64_t ParamReader::get_int(std::string_view key, std::int64_t lo, std::int64_t hi) const {
  const std::int64_t value = at(key).as_int(field(key));
  if (value < lo || value > hi) {
    throw std::invalid_argument(field(key) + ": must be in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "], got " + std::to_string(value));
  }
  return value;
}

std::int64_t ParamReader::get_int(std::string_view key, std::int64_t lo, std::int64_t hi,
                                  std::int64_t fallback) const {
  return has(key) ? get_int(key, lo, hi) : fallback;
}

double ParamReader::get_double(std::string_view key, double lo, double hi) const {
  const double value = at(key).as_double(field(key));
  if (!(value >= lo && value <= hi)) {
    throw std::invalid_argument(field(key) + ": must be in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "], got " + std::to_string(value));
  }
  return value;
}

double ParamReader::get_double(std::string_view key, double lo, double hi, double fallback) const {
  return has(key) ? get_double(key, lo, hi) : fallback;
}

const std::string& ParamReader::get_string(std::string_view key) const {
  return at(key).as_string(field(key));
}

std::vector<std::string> ParamReader::get_string_list(std::string_view key) const {
  const auto& list = at(key).as_list(field(key));
  std::vector<std::string> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(list[i].as_string(field(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::int64_t ParamReader::read_int(const ParamSpec& spec) const {
  const auto lo = static_cast<std::int64_t>(spec.lo);
  const auto hi = static_cast<std::int64_t>(spec.hi);
  return spec.has_default ? get_int(spec.name, lo, hi, static_cast<std::int64_t>(spec.fallback))
                          : get_int(spec.name, lo, hi);
}

double ParamReader::read_double(const ParamSpec& spec) const {
  return spec.has_default ? get_double(spec.name, spec.lo, spec.hi, spec.fallback)
                          : get_double(spec.name, spec.lo, spec.hi);
}

bool ParamReader::read_bool(const ParamSpec& spec) const { return read_int(spec) != 0; }

const std::string& ParamReader::read_string(const ParamSpec& spec) const {
  return get_string(spec.name);
}

namespace {

[[noreturn]] void throw_unknown_item(const std::string& path, const std::string& name,
                                     const std::vector<std::string>& items) {
  std::string known;
  for (const auto& item : items) {
    if (!known.empty()) known += ", ";
    known += item;
  }
  throw std::invalid_argument(path + ": unknown item '" + name + "' (items: " + known + ")");
}

}  // namespace

std::vector<double> ParamReader::read_table(const ParamSpec& spec,
                                            const std::vector<std::string>& items,
                                            double fallback) const {
  std::vector<double> out(items.size(), fallback);
  const Params* node = node_.find(spec.name);
  if (node == nullptr) return out;
  const bool integer = spec.type == ParamType::IntTable;
  for (const auto& [name, value] : node->as_dict(field(spec.name))) {
    const std::string path = field(spec.name) + "." + name;
    std::size_t index = 0;
    while (index < items.size() && items[index] != name) ++index;
    if (index == items.size()) throw_unknown_item(path, name, items);
    const double number = integer ? static_cast<double>(value.as_int(path)) : value.as_double(path);
    if (!(number >= spec.lo && number <= spec.hi)) {
      throw std::invalid_argument(path + ": must be in [" + std::to_string(spec.lo) + ", " +
                                  std::to_string(spec.hi) + "], got " + std::to_string(number));
    }
    out[index] = number;
  }
  return out;
}

void ParamReader::check_keys(std::span<const ParamSpec> schema,
                             std::span<const char* const> extra) const {
  for (const auto& [key, value] : node_.as_dict(path_)) {
    bool known = false;
    for (const ParamSpec& spec : schema) known = known || key == spec.name;
    for (const char* name : extra) known = known || key == name;
    if (known) continue;
    std::string names;
    for (const ParamSpec& spec : schema)
      names += std::string(names.empty() ? "" : ", ") + spec.name;
    throw std::invalid_argument(field(key) + ": unknown parameter (known: " + names + ")");
  }
}

ParamReader ParamReader::child(std::string_view key) const { return {at(key), field(key)}; }

std::vector<ParamReader> ParamReader::children(std::string_view key) const {
  const auto& list = at(key).as_list(field(key));
  std::vector<ParamReader> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.emplace_back(list[i], field(key) + "[" + std::to_string(i) + "]");
  }
  return out;
}

}  // namespace metta::engine
