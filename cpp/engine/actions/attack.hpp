// attack: arg 1..9 picks a cell of the 3x3 block ahead (distance 1 + (arg-1)/3; arg 1,4,7 one to
// the left, 2,5,8 straight, 3,6,9 one to the right); arg 0 always fails. Needs an agent there.
// Resolution (shared with attack_nearest): if the target holds every defense resource, those are
// removed and the attack is blocked (still a success); otherwise the target is frozen for its
// freeze_duration and, unless it was already frozen, the attacker steals its whole inventory as far
// as its own caps allow. Priority 1: attacks run before every other action of the step.
// Config: consumed_resources (default laser 1), defense_resources (default armor 1).
// Stats: attack.own_team.<g>/other_team.<g>, attack.blocked.<target g>, attack.win.<g>,
//   attack.loss.<target g>, <item>.stolen / <item>.stolen_from.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "../core/action.hpp"
#include "../game.hpp"

namespace metta::engine {

class AttackBase : public ActionHandler {
 public:
  AttackBase(const ParamReader& params, CompileContext& context, std::string name, int max_arg)
      : ActionHandler(params, context, std::move(name), max_arg, /*priority=*/1) {
    const auto defense = context.item_table(params, "defense_resources", 0, 255);
    for (std::size_t item = 0; item < defense.size(); ++item) {
      if (defense[item] > 0) defense_.emplace_back(static_cast<ItemId>(item), static_cast<int>(defense[item]));
    }
    StatNames& names = context.agent_stats;
    for (const auto& group : context.groups) {
      own_team_.push_back(names.intern("attack.own_team." + group.name));
      other_team_.push_back(names.intern("attack.other_team." + group.name));
      blocked_.push_back(names.intern("attack.blocked." + group.name));
      win_.push_back(names.intern("attack.win." + group.name));
      loss_.push_back(names.intern("attack.loss." + group.name));
    }
  }

 protected:
  bool resolve(Agent& actor, Agent& target) const {
    const std::size_t group = actor.config().group_slot;
    const std::size_t target_group = target.config().group_slot;
    actor.stats.add(group == target_group ? own_team_[group] : other_team_[group], 1);
    bool blocked = !defense_.empty();
    for (const auto& [item, amount] : defense_) {
      if (target.inventory[item] < amount) blocked = false;
    }
    if (blocked) {
      for (const auto& [item, amount] : defense_) target.update_inventory(item, -amount);
      actor.stats.add(blocked_[target_group], 1);
      return true;
    }
    const bool was_frozen = target.frozen != 0;
    target.frozen = target.config().freeze_duration;
    if (!was_frozen) {
      actor.stats.add(win_[group], 1);
      target.stats.add(loss_[target_group], 1);
      const AgentStatIds& ids = *actor.config().ids;
      for (std::size_t item = 0; item < target.inventory.size(); ++item) {
        if (target.inventory[item] == 0) continue;
        const int taken = actor.update_inventory(static_cast<ItemId>(item), target.inventory[item]);
        if (taken == 0) continue;
        target.update_inventory(static_cast<ItemId>(item), -taken);
        actor.stats.add(ids.stolen[item], taken);
        target.stats.add(ids.stolen_from[item], taken);
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<ItemId, int>> defense_;
  std::vector<StatId> own_team_, other_team_, blocked_, win_, loss_;  // per group slot
};

class Attack final : public AttackBase {
 public:
  Attack(const ParamReader& params, CompileContext& context) : AttackBase(params, context, "attack", 9) {}

 protected:
  bool run(Game& game, Agent& actor, int arg) const override {
    if (arg < 1) return false;
    const int distance = 1 + (arg - 1) / 3;
    const int offset = 1 - (arg - 1) % 3;
    Agent* target = game.agent_at(relative_location(actor.loc, actor.orientation, distance, offset));
    if (target == nullptr) return false;
    return resolve(actor, *target);
  }
};

}  // namespace metta::engine
