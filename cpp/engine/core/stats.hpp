// Stats: counters keyed by small integer ids resolved when a config is compiled, so the hot path
// adds to an array slot and never builds a string. StatNames maps ids back to names for reports.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace metta::engine {

using StatId = std::uint32_t;

// A stat name from its dot-separated parts: stat_name({"attack.win", "red"}) is "attack.win.red".
inline std::string stat_name(std::initializer_list<std::string_view> parts) {
  std::string name;
  for (const std::string_view part : parts) {
    if (!name.empty()) name += '.';
    name += part;
  }
  return name;
}

class StatNames {
 public:
  // Id of `name`, creating it on first use (compile time only).
  StatId intern(const std::string& name) {
    const auto [it, inserted] = index_.try_emplace(name, static_cast<StatId>(names_.size()));
    if (inserted) names_.push_back(name);
    return it->second;
  }
  [[nodiscard]] std::size_t size() const { return names_.size(); }
  [[nodiscard]] const std::string& name(StatId id) const { return names_[id]; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, StatId> index_;
};

class Stats {
 public:
  Stats() = default;
  explicit Stats(std::size_t size) : values_(size, 0.0) {}
  void add(StatId id, double amount) { values_[id] += amount; }
  void set(StatId id, double value) { values_[id] = value; }
  void clear() { std::fill(values_.begin(), values_.end(), 0.0); }
  [[nodiscard]] double get(StatId id) const { return values_[id]; }
  [[nodiscard]] std::size_t size() const { return values_.size(); }
  [[nodiscard]] const std::vector<double>& values() const { return values_; }

  // Non-zero counters as (name, value) pairs; for reports, not the hot path.
  [[nodiscard]] std::vector<std::pair<std::string, double>> to_list(const StatNames& names) const {
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (values_[i] != 0.0) out.emplace_back(names.name(static_cast<StatId>(i)), values_[i]);
    }
    return out;
  }

 private:
  std::vector<double> values_;
};

}  // namespace metta::engine
