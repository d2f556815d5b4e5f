// The registry: every object kind, action and observation feature the engine knows, one line each.
// Each class declares its id, name, config fields, features and stats; these tables only list the
// classes. Ids are part of saved configs and policies: append new entries with the next free id;
// never renumber, reuse or reorder.
#include "core/registry.hpp"

#include "actions/attack.hpp"
#include "actions/attack_nearest.hpp"
#include "actions/change_color.hpp"
#include "actions/chest_transfer.hpp"
#include "actions/get_output.hpp"
#include "actions/move.hpp"
#include "actions/noop.hpp"
#include "actions/put_recipe_items.hpp"
#include "actions/rotate.hpp"
#include "actions/swap.hpp"
#include "game_config.hpp"
#include "objects/agent.hpp"
#include "objects/chest.hpp"
#include "objects/converter.hpp"
#include "objects/wall.hpp"

namespace metta::engine {

namespace {

constexpr ObjectKindEntry kObjectKinds[] = {
    kind_entry<AgentPrototype, AgentConfig>(),
    kind_entry<WallPrototype, WallConfig>(),
    kind_entry<ConverterPrototype, ConverterConfig>(),
    kind_entry<ChestPrototype, ChestConfig>(),
};

constexpr ActionEntry kActions[] = {
    action_entry<Noop>(),           action_entry<Move>(),      action_entry<Rotate>(),
    action_entry<PutRecipeItems>(), action_entry<GetOutput>(), action_entry<Attack>(),
    action_entry<AttackNearest>(),  action_entry<Swap>(),      action_entry<ChangeColor>(),
    action_entry<ChestTransfer>(),
};

// Inventory features (inv:<item>, normalization 100) are inserted after last_reward at
// ids 12 + item index; they are generated from the config's item names.
constexpr FeatureSpec kCoreFeatures[] = {
    {feature::kTypeId, "type_id", 1.0f, false},
    {feature::kGroup, "agent:group", 10.0f, false},
    {feature::kHp, "hp", 30.0f, false},
    {feature::kFrozen, "agent:frozen", 1.0f, false},
    {feature::kOrientation, "agent:orientation", 1.0f, false},
    {feature::kColor, "agent:color", 255.0f, false},
    {feature::kConverting, "converting", 1.0f, false},
    {feature::kSwappable, "swappable", 1.0f, false},
    {feature::kEpisodeCompletion, "episode_completion_pct", 255.0f, true},
    {feature::kLastAction, "last_action", 10.0f, true},
    {feature::kLastActionArg, "last_action_arg", 10.0f, true},
    {feature::kLastReward, "last_reward", 100.0f, true},
    {feature::kVisits, "agent:visits", 10.0f, true},
};

}  // namespace

std::span<const ObjectKindEntry> object_kind_table() { return kObjectKinds; }
std::span<const ActionEntry> action_table() { return kActions; }
std::span<const FeatureSpec> core_feature_table() { return kCoreFeatures; }
std::span<const ParamSpec> game_param_table() { return CompiledConfig::kParams; }

std::string_view kind_name(KindId id) {
  for (const auto& entry : kObjectKinds) {
    if (entry.id == id) return entry.name;
  }
  return {};
}

}  // namespace metta::engine
