// attack: arg 1..9 picks a cell of the 3x3 block ahead (distance 1 + (arg-1)/3; arg 1,4,7 one to
// the left, 2,5,8 straight, 3,6,9 one to the right); arg 0 always fails. Needs an agent there.
// Resolution (shared with attack_nearest): if the target holds every defense resource, those are
// removed and the attack is blocked (still a success); otherwise the target is frozen for its
// freeze_duration and, unless it was already frozen, the attacker steals its whole inventory as far
// as its own caps allow. Priority 1: attacks run before every other action of the step.
// Config: consumed_resources (default laser 1), defense_resources (default armor 1).
// Stats (<g> attacker group, <tg> target group; all ids interned here at compile time so a step
// builds no strings):
//   attacker: action.<name>.agent[.<g>[.<tg>]], attack.own_team.<g> | attack.other_team.<g>;
//   blocked:  attack.blocked.<tg>[.<g>];
//   won (target not already frozen): attack.win.<g>[.<tg>], attack.win.own_team|other_team.<g> on
//   the attacker; attack.loss.<tg>[.<g>], attack.loss.from_own_team|from_other_team.<tg> on the
//   target; <item>.stolen[.<g>] on the attacker and <item>.stolen_from[.<tg>] on the target.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/action.hpp"
#include "../game.hpp"

namespace metta::engine {

inline constexpr ParamSpec kDefenseResources =
    int_table("defense_resources", 0, 255, 0,
              "Items that, all held by the target, block the attack (and are then removed).");
inline constexpr ParamSpec kAttackParams[] = {kRequiredResources, kConsumedResources,
                                              kDefenseResources};
inline constexpr StatSpec kAttackStats[] = {
    kActionStats[0],
    kActionStats[1],
    {"action.<action>.agent[.<group>[.<group>]]", "attacks, by attacker and target group"},
    {"attack.own_team.<group>", "attacks on the own group"},
    {"attack.other_team.<group>", "attacks on another group"},
    {"attack.blocked.<group>[.<group>]", "attacks blocked, by target and attacker group"},
    {"attack.win.<group>[.<group>]", "targets frozen, by attacker and target group"},
    {"attack.win.own_team.<group>", "own-group targets frozen"},
    {"attack.win.other_team.<group>", "other-group targets frozen"},
    {"attack.loss.<group>[.<group>]", "times frozen, by target and attacker group"},
    {"attack.loss.from_own_team.<group>", "times frozen by the own group"},
    {"attack.loss.from_other_team.<group>", "times frozen by another group"},
    {"<item>.stolen.<group>", "items taken, by attacker group"},
    {"<item>.stolen_from.<group>", "items lost, by target group"},
};

class AttackBase : public ActionHandler {
 public:
  static constexpr const char* kConfigKey = "attack";  // one ActionsConfig field enables both
  static constexpr std::span<const ParamSpec> kParams = kAttackParams;
  static constexpr std::span<const StatSpec> kStats = kAttackStats;

  AttackBase(const ParamReader& params, CompileContext& context, std::string name, int max_arg)
      : ActionHandler(params, context, std::move(name), max_arg, /*priority=*/1) {
    const auto defense = params.read_table(kDefenseResources, context.items);
    for (std::size_t item = 0; item < defense.size(); ++item) {
      if (defense[item] > 0)
        defense_.emplace_back(static_cast<ItemId>(item), static_cast<int>(defense[item]));
    }
    StatNames& names = context.agent_stats;
    groups_ = context.groups.size();
    items_ = context.items.size();
    const std::string target = "action." + this->name() + ".agent";
    target_ = names.intern(target);
    for (const auto& actor : context.groups) {
      const std::string& g = actor.name;
      by_group_.push_back(names.intern(stat_name({target, g})));
      own_team_.push_back(names.intern("attack.own_team." + g));
      other_team_.push_back(names.intern("attack.other_team." + g));
      blocked_.push_back(names.intern("attack.blocked." + g));
      win_.push_back(names.intern("attack.win." + g));
      loss_.push_back(names.intern("attack.loss." + g));
      win_own_.push_back(names.intern("attack.win.own_team." + g));
      win_other_.push_back(names.intern("attack.win.other_team." + g));
      loss_own_.push_back(names.intern("attack.loss.from_own_team." + g));
      loss_other_.push_back(names.intern("attack.loss.from_other_team." + g));
      for (const auto& other : context.groups) {
        // [first group * groups + second group], named first.second
        by_pair_.push_back(names.intern(stat_name({target, g, other.name})));
        blocked_pair_.push_back(names.intern(stat_name({"attack.blocked", g, other.name})));
        win_pair_.push_back(names.intern(stat_name({"attack.win", g, other.name})));
        loss_pair_.push_back(names.intern(stat_name({"attack.loss", g, other.name})));
      }
      for (const auto& item : context.items) {
        stolen_.push_back(names.intern(stat_name({item, "stolen", g})));
        stolen_from_.push_back(names.intern(stat_name({item, "stolen_from", g})));
      }
    }
  }

 protected:
  bool resolve(Agent& actor, Agent& target) const {
    const std::size_t g = actor.config().group_slot;
    const std::size_t tg = target.config().group_slot;
    const bool same_team = g == tg;
    actor.stats.add(target_, 1);
    actor.stats.add(by_group_[g], 1);
    actor.stats.add(by_pair_[g * groups_ + tg], 1);
    actor.stats.add(same_team ? own_team_[g] : other_team_[g], 1);
    bool blocked = !defense_.empty();
    for (const auto& [item, amount] : defense_) {
      if (target.inventory[item] < amount) blocked = false;
    }
    if (blocked) {
      for (const auto& [item, amount] : defense_) target.update_inventory(item, -amount);
      actor.stats.add(blocked_[tg], 1);
      actor.stats.add(blocked_pair_[tg * groups_ + g], 1);
      return true;
    }
    const bool was_frozen = target.frozen != 0;
    target.frozen = target.config().freeze_duration;
    if (!was_frozen) {
      actor.stats.add(win_[g], 1);
      actor.stats.add(win_pair_[g * groups_ + tg], 1);
      actor.stats.add(same_team ? win_own_[g] : win_other_[g], 1);
      target.stats.add(loss_[tg], 1);
      target.stats.add(loss_pair_[tg * groups_ + g], 1);
      target.stats.add(same_team ? loss_own_[tg] : loss_other_[tg], 1);
      const AgentStatIds& ids = *actor.config().ids;
      for (std::size_t item = 0; item < target.inventory.size(); ++item) {
        if (target.inventory[item] == 0) continue;
        const int taken = actor.update_inventory(static_cast<ItemId>(item), target.inventory[item]);
        if (taken == 0) continue;
        target.update_inventory(static_cast<ItemId>(item), -taken);
        actor.stats.add(ids.stolen[item], taken);
        actor.stats.add(stolen_[g * items_ + item], taken);
        target.stats.add(ids.stolen_from[item], taken);
        target.stats.add(stolen_from_[tg * items_ + item], taken);
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<ItemId, int>> defense_;
  std::size_t groups_ = 0;
  std::size_t items_ = 0;
  StatId target_ = 0;
  // Per group slot.
  std::vector<StatId> by_group_, own_team_, other_team_, blocked_, win_, loss_, win_own_,
      win_other_, loss_own_, loss_other_;
  // Per (group, group) pair and per (group, item), row-major.
  std::vector<StatId> by_pair_, blocked_pair_, win_pair_, loss_pair_, stolen_, stolen_from_;
};

class Attack final : public AttackBase {
 public:
  static constexpr ActionId kId = 5;
  static constexpr const char* kName = "attack";

  Attack(const ParamReader& params, CompileContext& context)
      : AttackBase(params, context, kName, 9) {}

 protected:
  bool run(Game& game, Agent& actor, int arg) const override {
    if (arg < 1) return false;
    const int distance = 1 + (arg - 1) / 3;
    const int offset = 1 - (arg - 1) % 3;
    Agent* target =
        game.agent_at(relative_location(actor.loc, actor.orientation, distance, offset));
    if (target == nullptr) return false;
    return resolve(actor, *target);
  }
};

}  // namespace metta::engine
