// Registry types: every object kind, action and observation feature the engine knows, each with an
// explicit id and name and the schema its class declares (config fields, features, stats). The one
// table lives in registry.cpp; ids are append-only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "action.hpp"
#include "compile_context.hpp"
#include "grid_object.hpp"
#include "ids.hpp"
#include "schema.hpp"

namespace metta::engine {

struct ObjectKindEntry {
  KindId id;
  const char* name;  // the `kind` string configs use
  std::span<const ParamSpec> params;
  std::span<const std::uint8_t> observes;  // feature ids it writes (kInventoryBase: inv:<item>)
  std::span<const FeatureSpec> own_features;
  std::span<const StatSpec> stats;  // per-object stats (agents: per-agent stats)
  // Called for every config entry of the kind before any kind or action compiles, or null.
  void (*declare)(const ParamReader& params, CompileContext& context);
  std::unique_ptr<ObjectPrototype> (*compile)(const ParamReader& params, CompileContext& context);
};

struct ActionEntry {
  ActionId id;  // order of the action in the action space (among enabled actions)
  const char* name;
  const char* config_key;  // the ActionsConfig field that enables it (attack: two handlers)
  std::span<const ParamSpec> params;
  std::span<const StatSpec> stats;
  std::unique_ptr<ActionHandler> (*make)(const ParamReader& params, CompileContext& context);
};

std::span<const ObjectKindEntry> object_kind_table();
std::span<const ActionEntry> action_table();
// Core features (published by every game); kinds' own features are in their entries.
std::span<const FeatureSpec> core_feature_table();
// Fields of the game config itself (window, tokens, steps, items).
std::span<const ParamSpec> game_param_table();
// The kind's registry name, or "" for an unknown id.
std::string_view kind_name(KindId id);

// Registry lines are built from what each class declares about itself.
template <class Prototype, class Config>
std::unique_ptr<ObjectPrototype> compile_kind(const ParamReader& params, CompileContext& context) {
  params.check_keys(Config::kParams);
  return std::make_unique<Prototype>(Config::parse(params, context));
}

template <class Prototype, class Config>
constexpr ObjectKindEntry kind_entry() {
  ObjectKindEntry entry{
      Config::kId, Config::kName,  Config::kParams, Config::kObserves,
      {},          Config::kStats, nullptr,         &compile_kind<Prototype, Config>};
  if constexpr (requires { Config::kOwnFeatures; }) entry.own_features = Config::kOwnFeatures;
  if constexpr (requires { &Config::declare; }) entry.declare = &Config::declare;
  return entry;
}

template <class Handler>
std::unique_ptr<ActionHandler> make_action(const ParamReader& params, CompileContext& context) {
  params.check_keys(Handler::kParams, kActionEntryKeys);
  return std::make_unique<Handler>(params, context);
}

template <class Handler>
constexpr ActionEntry action_entry() {
  return {Handler::kId,     Handler::kName,  Handler::kConfigKey,
          Handler::kParams, Handler::kStats, &make_action<Handler>};
}

}  // namespace metta::engine
