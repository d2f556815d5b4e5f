// Registry ids of the object kinds the engine ships. Part of the saved-config format: append new
// kinds with the next free id, never renumber (the table itself is in registry.cpp).
#pragma once

#include "ids.hpp"

namespace metta::engine::kinds {
inline constexpr KindId kAgent = 0;
inline constexpr KindId kWall = 1;
inline constexpr KindId kConverter = 2;
inline constexpr KindId kChest = 3;  // the worked example of docs/extending.md
}  // namespace metta::engine::kinds
