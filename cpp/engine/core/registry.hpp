// Registry types: every object kind, action and observation feature the engine knows, each with an
// explicit id and name. The one table lives in registry.cpp; ids are append-only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "action.hpp"
#include "compile_context.hpp"
#include "grid_object.hpp"
#include "ids.hpp"

namespace metta::engine {

struct ObjectKindEntry {
  KindId id;
  const char* name;  // the `kind` string configs use
  std::unique_ptr<ObjectPrototype> (*compile)(const ParamReader& params, CompileContext& context);
};

struct ActionEntry {
  ActionId id;  // order of the action in the action space (among enabled actions)
  const char* name;
  std::unique_ptr<ActionHandler> (*make)(const ParamReader& params, CompileContext& context);
};

inline constexpr KindId kAnyKind = 0xFFFF;

struct FeatureEntry {
  std::uint8_t id;
  const char* name;
  float normalization;
  KindId owner;  // published only when a config uses this kind; kAnyKind = always
};

std::span<const ObjectKindEntry> object_kind_table();
std::span<const ActionEntry> action_table();
std::span<const FeatureEntry> feature_table();

// Helpers for registry lines: compile a kind whose class has Config::parse and a Prototype.
template <class Prototype, class Config>
std::unique_ptr<ObjectPrototype> compile_kind(const ParamReader& params, CompileContext& context) {
  return std::make_unique<Prototype>(Config::parse(params, context));
}

template <class Handler>
std::unique_ptr<ActionHandler> make_action(const ParamReader& params, CompileContext& context) {
  return std::make_unique<Handler>(params, context);
}

}  // namespace metta::engine
