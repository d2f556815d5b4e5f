// CompiledConfig::compile: items, groups, object kinds and actions through the registry.
#include "game_config.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/registry.hpp"

namespace metta::engine {

namespace {

const ObjectKindEntry& find_kind(const std::string& name, const std::string& path) {
  for (const auto& entry : object_kind_table()) {
    if (name == entry.name) return entry;
  }
  std::string known;
  for (const auto& entry : object_kind_table()) known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw std::invalid_argument(path + ": unknown object kind '" + name + "' (known: " + known + ")");
}

const ActionEntry& find_action(const std::string& name, const std::string& path) {
  for (const auto& entry : action_table()) {
    if (name == entry.name) return entry;
  }
  std::string known;
  for (const auto& entry : action_table()) known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw std::invalid_argument(path + ": unknown action '" + name + "' (known: " + known + ")");
}

void collect_groups(const ParamReader& root, CompileContext& context) {
  for (const auto& object : root.children("objects")) {
    if (object.get_string("kind") != "agent") continue;
    const ParamReader params = object.child("params");
    const auto id = static_cast<std::uint8_t>(params.get_int("group_id", 0, 255));
    const std::string& name = params.get_string("group_name");
    const auto share = static_cast<float>(params.get_double("group_reward_pct", 0.0, 1.0, 0.0));
    const auto existing = std::find_if(context.groups.begin(), context.groups.end(),
                                       [&](const GroupInfo& group) { return group.id == id; });
    if (existing == context.groups.end()) {
      context.groups.push_back(GroupInfo{id, name, share});
    } else if (existing->name != name || existing->reward_share != share) {
      throw std::invalid_argument(params.field("group_id") + ": group id " + std::to_string(id) +
                                  " is used by two groups with different names or reward shares");
    }
  }
}

void intern_agent_stats(CompileContext& context) {
  StatNames& names = context.agent_stats;
  AgentStatIds& ids = context.agent_ids;
  for (const auto& item : context.items) {
    ids.gained.push_back(names.intern(item + ".gained"));
    ids.lost.push_back(names.intern(item + ".lost"));
    ids.get.push_back(names.intern(item + ".get"));
    ids.put.push_back(names.intern(item + ".put"));
    ids.stolen.push_back(names.intern(item + ".stolen"));
    ids.stolen_from.push_back(names.intern(item + ".stolen_from"));
  }
  ids.invalid_type = names.intern("action.invalid_type");
  ids.invalid_arg = names.intern("action.invalid_arg");
  ids.failure_penalty = names.intern("action.failure_penalty");
  ids.frozen_ticks = names.intern("status.frozen.ticks");
  for (const auto& group : context.groups) {
    ids.frozen_ticks_group.push_back(names.intern("status.frozen.ticks." + group.name));
  }
}

}  // namespace

int CompiledConfig::find_object(const std::string& name) const {
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::shared_ptr<const CompiledConfig> CompiledConfig::compile(const Params& params) {
  auto config = std::make_shared<CompiledConfig>();
  const ParamReader root(params, "");
  CompileContext& context = config->context;

  context.items = root.get_string_list("inventory_item_names");
  if (context.items.size() > static_cast<std::size_t>(feature::kMaxItems)) {
    throw std::invalid_argument("inventory_item_names: at most " +
                                std::to_string(feature::kMaxItems) + " items, got " +
                                std::to_string(context.items.size()));
  }
  for (std::size_t i = 0; i < context.items.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (context.items[i] == context.items[j]) {
        throw std::invalid_argument("inventory_item_names: duplicate item '" + context.items[i] + "'");
      }
    }
  }
  config->items = context.items;
  config->obs_width = static_cast<int>(root.get_int("obs_width", 1, kMaxObsSide));
  config->obs_height = static_cast<int>(root.get_int("obs_height", 1, kMaxObsSide));
  config->num_tokens = static_cast<int>(root.get_int("num_observation_tokens", 4, 1 << 16));
  config->max_steps = static_cast<std::uint32_t>(root.get_int("max_steps", 0, 1ll << 31));

  collect_groups(root, context);
  intern_agent_stats(context);
  config->game_ids.tokens_written = context.game_stats.intern("tokens_written");
  config->game_ids.tokens_dropped = context.game_stats.intern("tokens_dropped");
  config->game_ids.tokens_free_space = context.game_stats.intern("tokens_free_space");

  // Object kinds.
  std::vector<bool> kind_used;
  for (const auto& object : root.children("objects")) {
    ObjectSpec spec;
    spec.name = object.get_string("name");
    if (spec.name.empty() || spec.name == "empty") {
      throw std::invalid_argument(object.field("name") + ": '" + spec.name +
                                  "' is reserved for empty cells");
    }
    if (config->find_object(spec.name) >= 0) {
      throw std::invalid_argument(object.field("name") + ": duplicate object name '" + spec.name + "'");
    }
    const ObjectKindEntry& kind = find_kind(object.get_string("kind"), object.field("kind"));
    spec.kind = kind.id;
    const ParamReader object_params = object.child("params");
    spec.type_id = static_cast<TypeId>(object_params.get_int("type_id", 0, 255, 0));
    spec.prototype = kind.compile(object_params, context);
    if (kind_used.size() <= kind.id) kind_used.resize(kind.id + 1u, false);
    kind_used[kind.id] = true;
    config->game_ids.object_count.push_back(context.game_stats.intern("objects." + spec.name));
    config->objects.push_back(std::move(spec));
  }
  if (config->objects.size() > 65000) throw std::invalid_argument("objects: too many entries");

  // Actions, ordered by registry id so enabling a new action never renumbers existing ones.
  std::vector<std::pair<ActionId, std::unique_ptr<ActionHandler>>> handlers;
  for (const auto& action : root.children("actions")) {
    const ActionEntry& entry = find_action(action.get_string("name"), action.field("name"));
    for (const auto& existing : handlers) {
      if (existing.first == entry.id) {
        throw std::invalid_argument(action.field("name") + ": duplicate action '" + entry.name + "'");
      }
    }
    handlers.emplace_back(entry.id, entry.make(action, context));
  }
  if (handlers.empty()) throw std::invalid_argument("actions: at least one action must be enabled");
  std::sort(handlers.begin(), handlers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& handler : handlers) config->actions.push_back(std::move(handler.second));

  // Published features: core ones, inventory, and those of kinds this config uses.
  for (const auto& entry : feature_table()) {
    const bool used = entry.owner == kAnyKind || (entry.owner < kind_used.size() && kind_used[entry.owner]);
    if (!used) continue;
    config->features.push_back(FeatureInfo{entry.id, entry.name, entry.normalization});
    if (entry.id == feature::kLastReward) {
      for (std::size_t i = 0; i < context.items.size(); ++i) {
        config->features.push_back(FeatureInfo{static_cast<std::uint8_t>(feature::kInventoryBase + i),
                                               "inv:" + context.items[i], 100.0f});
      }
    }
  }
  return config;
}

}  // namespace metta::engine
