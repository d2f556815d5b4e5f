// attack_nearest: attacks the first agent found at distance 1, 2, 3 ahead, trying offsets
// 0, +1 (left), -1 (right) at each distance; fails when there is none. Same resolution, config and
// stats as attack.
#pragma once

#include "attack.hpp"

namespace metta::engine {

class AttackNearest final : public AttackBase {
 public:
  static constexpr ActionId kId = 6;
  static constexpr const char* kName = "attack_nearest";

  AttackNearest(const ParamReader& params, CompileContext& context)
      : AttackBase(params, context, kName, 0) {}

 protected:
  bool run(Game& game, Agent& actor, int /*arg*/) const override {
    static constexpr int kOffsets[3] = {0, 1, -1};
    for (int distance = 1; distance <= 3; ++distance) {
      for (const int offset : kOffsets) {
        Agent* target =
            game.agent_at(relative_location(actor.loc, actor.orientation, distance, offset));
        if (target != nullptr) return resolve(actor, *target);
      }
    }
    return false;
  }
};

}  // namespace metta::engine
