// The registry: every object kind, action and observation feature the engine knows, one line each,
// with explicit ids. Ids are part of saved configs and policies: append new entries at the end of
// their table with the next free id; never renumber, reuse or reorder.
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
#include "objects/agent.hpp"
#include "objects/chest.hpp"
#include "objects/converter.hpp"
#include "objects/wall.hpp"

namespace metta::engine {

namespace {

constexpr ObjectKindEntry kObjectKinds[] = {
    {kinds::kAgent, "agent", &compile_kind<AgentPrototype, AgentConfig>},
    {kinds::kWall, "wall", &compile_kind<WallPrototype, WallConfig>},
    {kinds::kConverter, "converter", &compile_kind<ConverterPrototype, ConverterConfig>},
    {kinds::kChest, "chest", &compile_kind<ChestPrototype, ChestConfig>},
};

constexpr ActionEntry kActions[] = {
    {0, "noop", &make_action<Noop>},
    {1, "move", &make_action<Move>},
    {2, "rotate", &make_action<Rotate>},
    {3, "put_recipe_items", &make_action<PutRecipeItems>},
    {4, "get_output", &make_action<GetOutput>},
    {5, "attack", &make_action<Attack>},
    {6, "attack_nearest", &make_action<AttackNearest>},
    {7, "swap", &make_action<Swap>},
    {8, "change_color", &make_action<ChangeColor>},
    {9, "chest_transfer", &make_action<ChestTransfer>},
};

// Inventory features (inv:<item>, normalization 100) are inserted after last_reward at
// ids 12 + item index; they are generated from the config's item names.
constexpr FeatureEntry kFeatures[] = {
    {feature::kTypeId, "type_id", 1.0f, kAnyKind},
    {feature::kGroup, "agent:group", 10.0f, kAnyKind},
    {feature::kHp, "hp", 30.0f, kAnyKind},
    {feature::kFrozen, "agent:frozen", 1.0f, kAnyKind},
    {feature::kOrientation, "agent:orientation", 1.0f, kAnyKind},
    {feature::kColor, "agent:color", 255.0f, kAnyKind},
    {feature::kConverting, "converting", 1.0f, kAnyKind},
    {feature::kSwappable, "swappable", 1.0f, kAnyKind},
    {feature::kEpisodeCompletion, "episode_completion_pct", 255.0f, kAnyKind},
    {feature::kLastAction, "last_action", 10.0f, kAnyKind},
    {feature::kLastActionArg, "last_action_arg", 10.0f, kAnyKind},
    {feature::kLastReward, "last_reward", 100.0f, kAnyKind},
    {feature::kChestItems, "chest:items", 255.0f, kinds::kChest},
};

}  // namespace

std::span<const ObjectKindEntry> object_kind_table() { return kObjectKinds; }
std::span<const ActionEntry> action_table() { return kActions; }
std::span<const FeatureEntry> feature_table() { return kFeatures; }

}  // namespace metta::engine
