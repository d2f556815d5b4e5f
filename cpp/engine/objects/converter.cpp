// Converter: config parsing, the conversion state machine and its observation tokens.
#include "converter.hpp"

#include <algorithm>
#include <stdexcept>

#include "../game.hpp"

namespace metta::engine {

ConverterConfig ConverterConfig::parse(const ParamReader& reader, CompileContext& context) {
  ConverterConfig config;
  config.type_id = static_cast<TypeId>(reader.read_int(kTypeId));
  for (const double value : reader.read_table(kInput, context.items)) {
    config.recipe_input.push_back(static_cast<std::uint8_t>(value));
  }
  for (const double value : reader.read_table(kOutput, context.items)) {
    config.recipe_output.push_back(static_cast<std::uint8_t>(value));
  }
  config.max_output = static_cast<int>(reader.read_int(kMaxOutput));
  config.conversion_ticks = static_cast<std::uint32_t>(reader.read_int(kConversionTicks));
  config.cooldown = static_cast<std::uint32_t>(reader.read_int(kCooldown));
  config.initial_items = static_cast<std::uint8_t>(reader.read_int(kInitialItems));
  config.color = static_cast<std::uint8_t>(reader.read_int(kColor));
  for (std::size_t item = 0; item < config.recipe_input.size(); ++item) {
    if (config.recipe_input[item] > 0 || config.recipe_output[item] > 0) {
      config.recipe_items.push_back(static_cast<ItemId>(item));
    }
  }
  if (config.conversion_ticks == 0 && config.cooldown == 0) {
    throw std::invalid_argument(reader.path() +
                                ": conversion_ticks and cooldown cannot both be 0 (the converter "
                                "would restart forever within one step)");
  }
  StatNames& names = context.object_stats;
  for (const auto& item : context.items) {
    config.ids.added.push_back(names.intern(item + ".added"));
    config.ids.removed.push_back(names.intern(item + ".removed"));
    config.ids.consumed.push_back(names.intern(item + ".consumed"));
    config.ids.produced.push_back(names.intern(item + ".produced"));
  }
  config.ids.started = names.intern("conversions.started");
  config.ids.completed = names.intern("conversions.completed");
  config.ids.cooldown_started = names.intern("cooldown.started");
  config.ids.cooldown_completed = names.intern("cooldown.completed");
  config.ids.blocked_output_full = names.intern("blocked.output_full");
  config.ids.blocked_insufficient_input = names.intern("blocked.insufficient_input");
  return config;
}

Converter::Converter(const ConverterConfig& config, std::uint16_t spec_index)
    : GridObject(kinds::kConverter, config.type_id, Layer::Object, spec_index),
      inventory(config.recipe_output.size(), 0),
      config_(config) {
  for (std::size_t item = 0; item < inventory.size(); ++item) {
    if (config.recipe_output[item] > 0) inventory[item] = config.initial_items;
  }
}

void Converter::write_obs(ObsWriter& out) const {
  ObsWriter writer = out;  // cursor in a register (see Agent::write_obs)
  const std::uint8_t* const counts = inventory.data();
  writer.put(feature::kTypeId, type_id());
  writer.put(feature::kColor, config_.color);
  writer.put(feature::kConverting, (converting_ || cooling_down_) ? 1 : 0);
  for (const ItemId item : config_.recipe_items) {
    const std::uint8_t count = counts[item];
    if (count != 0) writer.put(static_cast<std::uint8_t>(feature::kInventoryBase + item), count);
  }
  out = writer;
}

int Converter::update_inventory(ItemId item, int delta) {
  const int old_count = inventory[item];
  const int new_count = std::clamp(old_count + delta, 0, 255);
  const int applied = new_count - old_count;
  inventory[item] = static_cast<std::uint8_t>(new_count);
  if (applied > 0) stats.add(config_.ids.added[item], applied);
  if (applied < 0) stats.add(config_.ids.removed[item], -applied);
  return applied;
}

void Converter::try_start(Game& game) {
  if (converting_ || cooling_down_) return;
  const std::size_t items = inventory.size();
  if (config_.max_output >= 0) {
    int held_output = 0;
    for (std::size_t item = 0; item < items; ++item) {
      if (config_.recipe_output[item] > 0) held_output += inventory[item];
    }
    if (held_output >= config_.max_output) {
      stats.add(config_.ids.blocked_output_full, 1);
      return;
    }
  }
  for (std::size_t item = 0; item < items; ++item) {
    if (inventory[item] < config_.recipe_input[item]) {
      stats.add(config_.ids.blocked_insufficient_input, 1);
      return;
    }
  }
  for (std::size_t item = 0; item < items; ++item) {
    const int amount = config_.recipe_input[item];
    if (amount > 0) {
      inventory[item] = static_cast<std::uint8_t>(inventory[item] - amount);
      stats.add(config_.ids.consumed[item], amount);
    }
  }
  converting_ = true;
  stats.add(config_.ids.started, 1);
  game.schedule(id, kFinishConverting, config_.conversion_ticks);
}

void Converter::finish(Game& game) {
  converting_ = false;
  for (std::size_t item = 0; item < inventory.size(); ++item) {
    const int amount = config_.recipe_output[item];
    if (amount > 0) {
      inventory[item] = static_cast<std::uint8_t>(std::min(255, inventory[item] + amount));
      stats.add(config_.ids.produced[item], amount);
    }
  }
  stats.add(config_.ids.completed, 1);
  if (config_.cooldown > 0) {
    cooling_down_ = true;
    stats.add(config_.ids.cooldown_started, 1);
    game.schedule(id, kCooldownDone, config_.cooldown);
  } else {
    try_start(game);
  }
}

void Converter::on_event(Game& game, std::uint8_t type) {
  if (type == kFinishConverting) {
    finish(game);
  } else if (type == kCooldownDone) {
    cooling_down_ = false;
    stats.add(config_.ids.cooldown_completed, 1);
    try_start(game);
  }
}

}  // namespace metta::engine
