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
    if (std::isfinite(*value) && std::floor(*value) == *value) return static_cast<std::int64_t>(*value);
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

ParamReader::ParamReader(const Params& node, std::string path) : node_(node), path_(std::move(path)) {
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

std::vector<std::int64_t> ParamReader::get_int_list(std::string_view key, std::size_t size,
                                                    std::int64_t lo, std::int64_t hi) const {
  const auto& list = at(key).as_list(field(key));
  if (list.size() != size) {
    throw std::invalid_argument(field(key) + ": expected " + std::to_string(size) +
                                " entries (one per inventory item), got " +
                                std::to_string(list.size()));
  }
  std::vector<std::int64_t> out;
  out.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    const std::string name = field(key) + "[" + std::to_string(i) + "]";
    const std::int64_t value = list[i].as_int(name);
    if (value < lo || value > hi) {
      throw std::invalid_argument(name + ": must be in [" + std::to_string(lo) + ", " +
                                  std::to_string(hi) + "], got " + std::to_string(value));
    }
    out.push_back(value);
  }
  return out;
}

std::vector<double> ParamReader::get_double_list(std::string_view key, std::size_t size, double lo,
                                                 double hi) const {
  const auto& list = at(key).as_list(field(key));
  if (list.size() != size) {
    throw std::invalid_argument(field(key) + ": expected " + std::to_string(size) +
                                " entries (one per inventory item), got " +
                                std::to_string(list.size()));
  }
  std::vector<double> out;
  out.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    const std::string name = field(key) + "[" + std::to_string(i) + "]";
    const double value = list[i].as_double(name);
    if (!(value >= lo && value <= hi)) {
      throw std::invalid_argument(name + ": must be in [" + std::to_string(lo) + ", " +
                                  std::to_string(hi) + "], got " + std::to_string(value));
    }
    out.push_back(value);
  }
  return out;
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
