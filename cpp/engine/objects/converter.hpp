// Converter: every building (mines, generators, altar, armory, lasery, lab, factory, temple).
// Config (kParams below): type_id, input_resources / output_resources (item tables), max_output (-1
// = unlimited),
//   conversion_ticks, cooldown (not both 0: that would loop forever), initial_items (seeded into
//   every output item), color.
// Observation: type_id, agent:color, converting (converting or cooling down), one inv token per
//   held item (inputs and outputs share one inventory, 0..255 each).
// Actions that touch it: put_recipe_items adds inputs, get_output takes outputs.
// Events: kFinishConverting, kCooldownDone. State machine: try_start -> (ticks) -> finish ->
//   (cooldown) -> try_start; try_start runs on attach, after every inventory change and after
//   each finish/cooldown.
// Stats: <item>.added/removed/consumed/produced, conversions.started/completed,
//   cooldown.started/completed, blocked.output_full/insufficient_input.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "../core/compile_context.hpp"
#include "../core/grid_object.hpp"
#include "../core/kinds.hpp"

namespace metta::engine {

struct ConverterStatIds {
  std::vector<StatId> added, removed, consumed, produced;  // per item
  StatId started = 0, completed = 0, cooldown_started = 0, cooldown_completed = 0;
  StatId blocked_output_full = 0, blocked_insufficient_input = 0;
};

struct ConverterConfig {
  static constexpr KindId kId = kinds::kConverter;
  static constexpr const char* kName = "converter";
  static constexpr ParamSpec kTypeId = required_int("type_id", 0, 255, "Observed type_id.");
  static constexpr ParamSpec kInput =
      int_table("input_resources", 0, 255, 0, "Items one conversion consumes.");
  static constexpr ParamSpec kOutput =
      int_table("output_resources", 0, 255, 0, "Items one conversion produces.");
  static constexpr ParamSpec kMaxOutput =
      int_param("max_output", -1, 1 << 20, 5,
                "No conversion starts while this many output items wait (-1: unlimited).");
  static constexpr ParamSpec kConversionTicks =
      int_param("conversion_ticks", 0, 1 << 30, 1, "Steps one conversion takes.");
  static constexpr ParamSpec kCooldown =
      int_param("cooldown", 0, 1 << 30, 0, "Steps to wait after a conversion before the next.");
  static constexpr ParamSpec kInitialItems =
      int_param("initial_items", 0, 255, 0, "Count of every output item at the start.");
  static constexpr ParamSpec kColor = int_param("color", 0, 255, 0, "Observed colour.");
  static constexpr ParamSpec kParams[] = {kTypeId,          kInput,    kOutput,       kMaxOutput,
                                          kConversionTicks, kCooldown, kInitialItems, kColor};
  static constexpr std::uint8_t kObserves[] = {feature::kTypeId, feature::kColor,
                                               feature::kConverting, feature::kInventoryBase};
  static constexpr StatSpec kStats[] = {
      {"<item>.added", "items put in"},
      {"<item>.removed", "items taken out"},
      {"<item>.consumed", "inputs used by conversions"},
      {"<item>.produced", "outputs made"},
      {"conversions.started", "conversions begun"},
      {"conversions.completed", "conversions finished"},
      {"cooldown.started", "cooldowns begun"},
      {"cooldown.completed", "cooldowns finished"},
      {"blocked.output_full", "starts refused: max_output outputs wait"},
      {"blocked.insufficient_input", "starts refused: inputs missing"},
  };

  TypeId type_id = 0;
  std::vector<std::uint8_t> recipe_input;   // per item
  std::vector<std::uint8_t> recipe_output;  // per item
  int max_output = -1;
  std::uint32_t conversion_ticks = 1;
  std::uint32_t cooldown = 0;
  std::uint8_t initial_items = 0;
  std::uint8_t color = 0;
  // Items in the recipe, ascending: the only ones a converter can ever hold.
  std::vector<ItemId> recipe_items;
  ConverterStatIds ids;

  static ConverterConfig parse(const ParamReader& reader, CompileContext& context);
};

class Converter final : public GridObject {
 public:
  static constexpr std::uint8_t kFinishConverting = 0;
  static constexpr std::uint8_t kCooldownDone = 1;

  Converter(const ConverterConfig& config, std::uint16_t spec_index);

  void write_obs(ObsWriter& out) const override;
  void on_attach(Game& game) override { try_start(game); }
  void on_event(Game& game, std::uint8_t type) override;

  // Adds (delta > 0) or removes items, clamped to [0, 255]; returns the change applied.
  // Does not restart the machine: callers call try_start once after a batch of changes.
  int update_inventory(ItemId item, int delta);
  void try_start(Game& game);

  [[nodiscard]] const ConverterConfig& config() const { return config_; }
  [[nodiscard]] bool converting() const { return converting_; }
  [[nodiscard]] bool cooling_down() const { return cooling_down_; }

  std::vector<std::uint8_t> inventory;

 private:
  void finish(Game& game);
  const ConverterConfig& config_;
  bool converting_ = false;
  bool cooling_down_ = false;
};

class ConverterPrototype final : public ObjectPrototype {
 public:
  explicit ConverterPrototype(ConverterConfig config) : config_(std::move(config)) {}
  [[nodiscard]] std::unique_ptr<GridObject> create(std::uint16_t spec_index) const override {
    return std::make_unique<Converter>(config_, spec_index);
  }
  [[nodiscard]] TypeId type_id() const override { return config_.type_id; }

 private:
  ConverterConfig config_;
};

}  // namespace metta::engine
