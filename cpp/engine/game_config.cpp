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
  for (const auto& entry : object_kind_table())
    known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw std::invalid_argument(path + ": unknown object kind '" + name + "' (known: " + known + ")");
}

const ActionEntry& find_action(const std::string& name, const std::string& path) {
  for (const auto& entry : action_table()) {
    if (name == entry.name) return entry;
  }
  std::string known;
  for (const auto& entry : action_table())
    known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw std::invalid_argument(path + ": unknown action '" + name + "' (known: " + known + ")");
}

// Lets kinds that declare something for the whole game (agents: their groups) do so before any
// kind or action compiles.
void declare_kinds(const ParamReader& root, CompileContext& context) {
  for (const auto& object : root.children("objects")) {
    const ObjectKindEntry& kind = find_kind(object.get_string("kind"), object.field("kind"));
    if (kind.declare != nullptr) kind.declare(object.child("params"), context);
  }
}

bool is_empty_cell_name(const std::string& name) {
  for (const char* empty : kEmptyCellNames) {
    if (name == empty) return true;
  }
  return false;
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

// The item names: unique, at most feature::kMaxItems of them.
std::vector<std::string> read_items(const ParamReader& root) {
  std::vector<std::string> items = root.get_string_list(CompiledConfig::kItemNames.name);
  if (items.size() > static_cast<std::size_t>(feature::kMaxItems)) {
    throw std::invalid_argument("inventory_item_names: at most " +
                                std::to_string(feature::kMaxItems) + " items, got " +
                                std::to_string(items.size()));
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (items[i] == items[j]) {
        throw std::invalid_argument("inventory_item_names: duplicate item '" + items[i] + "'");
      }
    }
  }
  return items;
}

// Object kinds, in config order (map code k is objects[k - 1]). Returns which kinds are used,
// indexed by kind id.
std::vector<bool> compile_objects(const ParamReader& root, CompiledConfig& config) {
  CompileContext& context = config.context;
  std::vector<bool> kind_used;
  for (const auto& object : root.children("objects")) {
    ObjectSpec spec;
    spec.name = object.get_string("name");
    if (is_empty_cell_name(spec.name)) {
      throw std::invalid_argument(object.field("name") + ": '" + spec.name +
                                  "' is reserved for empty cells");
    }
    if (config.find_object(spec.name) >= 0) {
      throw std::invalid_argument(object.field("name") + ": duplicate object name '" + spec.name +
                                  "'");
    }
    const ObjectKindEntry& kind = find_kind(object.get_string("kind"), object.field("kind"));
    spec.kind = kind.id;
    spec.prototype = kind.compile(object.child("params"), context);
    spec.type_id = spec.prototype->type_id();
    spec.keeps_stats = !kind.stats.empty();
    if (kind_used.size() <= kind.id) kind_used.resize(kind.id + 1u, false);
    kind_used[kind.id] = true;
    config.game_ids.object_count.push_back(context.game_stats.intern("objects." + spec.name));
    config.objects.push_back(std::move(spec));
  }
  if (config.objects.size() > CompiledConfig::kMaxObjects) {
    throw std::invalid_argument("objects: too many entries");
  }
  return kind_used;
}

// Action handlers, ordered by registry id so enabling a new action never renumbers existing ones.
void compile_actions(const ParamReader& root, CompiledConfig& config) {
  std::vector<std::pair<ActionId, std::unique_ptr<ActionHandler>>> handlers;
  for (const auto& action : root.children("actions")) {
    const ActionEntry& entry = find_action(action.get_string("name"), action.field("name"));
    for (const auto& existing : handlers) {
      if (existing.first == entry.id) {
        throw std::invalid_argument(action.field("name") + ": duplicate action '" + entry.name +
                                    "'");
      }
    }
    handlers.emplace_back(entry.id, entry.make(action, config.context));
  }
  if (handlers.empty()) throw std::invalid_argument("actions: at least one action must be enabled");
  std::sort(handlers.begin(), handlers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  config.actions.reserve(handlers.size());
  for (auto& handler : handlers) config.actions.push_back(std::move(handler.second));
}

// Published features: core ones, inventory, and the own features of the kinds the config uses.
void publish_features(const std::vector<bool>& kind_used, CompiledConfig& config) {
  for (const auto& entry : core_feature_table()) {
    config.features.push_back(FeatureInfo{entry.id, entry.name, entry.normalization});
  }
  const std::vector<std::string>& items = config.context.items;
  for (std::size_t i = 0; i < items.size(); ++i) {
    config.features.push_back(FeatureInfo{static_cast<std::uint8_t>(feature::kInventoryBase + i),
                                          kInventoryFeaturePrefix + items[i],
                                          kInventoryNormalization});
  }
  for (const auto& kind : object_kind_table()) {
    if (kind.id >= kind_used.size() || !kind_used[kind.id]) continue;
    for (const auto& entry : kind.own_features) {
      config.features.push_back(FeatureInfo{entry.id, entry.name, entry.normalization});
    }
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

  root.check_keys(kParams, kEntryKeys);
  context.items = read_items(root);
  config->items = context.items;
  config->obs_width = static_cast<int>(root.read_int(kObsWidth));
  config->obs_height = static_cast<int>(root.read_int(kObsHeight));
  config->num_tokens = static_cast<int>(root.read_int(kNumTokens));
  config->max_steps = static_cast<std::uint32_t>(root.read_int(kMaxSteps));

  declare_kinds(root, context);
  intern_agent_stats(context);
  config->game_ids.tokens_written = context.game_stats.intern("tokens_written");
  config->game_ids.tokens_dropped = context.game_stats.intern("tokens_dropped");
  config->game_ids.tokens_free_space = context.game_stats.intern("tokens_free_space");

  const std::vector<bool> kind_used = compile_objects(root, *config);
  compile_actions(root, *config);
  publish_features(kind_used, *config);
  return config;
}

}  // namespace metta::engine
