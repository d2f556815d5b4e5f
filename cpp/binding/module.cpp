// pybind11 binding of the MettaGrid engine: the only file that includes pybind11. Every entry
// point checks its arguments, converts them, releases the GIL where the engine runs, and delegates.
// Engine std::invalid_argument -> ValueError, std::out_of_range -> IndexError (pybind11 defaults).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/batch.hpp"
#include "engine/core/registry.hpp"

namespace py = pybind11;
using metta::engine::Batch;
using metta::engine::CompiledConfig;
using metta::engine::GameSetup;
using metta::engine::MapData;
using metta::engine::Params;

namespace {

// Any Python config value (dict/list/tuple/int/float/bool/str) -> Params, naming the bad path.
Params to_params(const py::handle& value, const std::string& path) {
  if (py::isinstance<py::bool_>(value))
    return Params(static_cast<std::int64_t>(value.cast<bool>()));
  if (py::isinstance<py::int_>(value)) return Params(value.cast<std::int64_t>());
  if (py::isinstance<py::float_>(value)) return Params(value.cast<double>());
  if (py::isinstance<py::str>(value)) return Params(value.cast<std::string>());
  if (py::isinstance<py::dict>(value)) {
    Params::Dict dict;
    for (const auto& [key, item] : value.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key))
        throw std::invalid_argument(path + ": dict keys must be strings");
      const auto name = key.cast<std::string>();
      const std::string child = path.empty() ? name : std::string(path).append(".").append(name);
      dict.emplace_back(name, to_params(item, child));
    }
    return Params(std::move(dict));
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    Params::List list;
    std::size_t index = 0;
    for (const auto& item : value)
      list.push_back(to_params(item, path + "[" + std::to_string(index++) + "]"));
    return Params(std::move(list));
  }
  throw std::invalid_argument(path + ": unsupported value of type " +
                              py::str(py::type::of(value)).cast<std::string>());
}

std::shared_ptr<const MapData> to_map(const py::array& cells) {
  if (!py::isinstance<py::array_t<std::uint16_t>>(cells) || cells.ndim() != 2) {
    throw std::invalid_argument("map: expected a 2-D uint16 array of cell codes");
  }
  const auto codes = py::array_t<std::uint16_t, py::array::c_style>::ensure(cells);
  auto map = std::make_shared<MapData>();
  map->height = static_cast<int>(codes.shape(0));
  map->width = static_cast<int>(codes.shape(1));
  map->cells.assign(codes.data(), codes.data() + codes.size());
  return map;
}

// pybind11 holders cannot be pointers to const; the engine never mutates a compiled config.
using ConfigHandle = std::shared_ptr<CompiledConfig>;

// Python-side owner of a Batch and of any caller buffers it writes into (kept alive here).
struct PyBatch {
  std::unique_ptr<Batch> batch;
  py::object observations, rewards, terminals, truncations;
};

template <class T>
py::array view(const py::object& owner, T* data, const std::vector<py::ssize_t>& shape) {
  return py::array_t<T>(shape, data, owner);
}

// Checks one caller buffer: exact dtype, shape, C-contiguous, writeable. Never converts, and
// allocates nothing unless it fails (it runs on every step).
template <class T, std::size_t N>
T* checked_buffer(const py::array& array, const char* name, const std::array<py::ssize_t, N>& shape,
                  bool writeable = true) {
  if (!array.dtype().is(py::dtype::of<T>())) {
    throw py::type_error(std::string(name) + ": expected dtype " +
                         py::str(py::dtype::of<T>()).cast<std::string>() + ", got " +
                         py::str(array.dtype()).cast<std::string>());
  }
  bool same = array.ndim() == static_cast<py::ssize_t>(N);
  for (std::size_t i = 0; same && i < N; ++i)
    same = array.shape(static_cast<py::ssize_t>(i)) == shape[i];
  if (!same) {
    const std::vector<py::ssize_t> want(shape.begin(), shape.end());
    const std::vector<py::ssize_t> got(array.shape(), array.shape() + array.ndim());
    throw std::invalid_argument(std::string(name) + ": expected shape " +
                                py::str(py::cast(want)).cast<std::string>() + ", got " +
                                py::str(py::cast(got)).cast<std::string>());
  }
  if (!(array.flags() & py::array::c_style))
    throw std::invalid_argument(std::string(name) + ": must be C-contiguous");
  if (writeable && !array.writeable())
    throw std::invalid_argument(std::string(name) + ": must be writeable");
  return static_cast<T*>(const_cast<void*>(array.data()));
}

py::dict stats_dict(const metta::engine::StatNames& names, const std::vector<double>& values) {
  py::dict out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != 0.0)
      out[py::str(names.name(static_cast<metta::engine::StatId>(i)))] = values[i];
  }
  return out;
}

py::dict feature_names_by_id(const CompiledConfig& config) {
  py::dict out;
  for (const auto& feature : config.features) out[py::int_(feature.id)] = feature.name;
  return out;
}

// ---- registry export: what every kind and action declares about itself ----

const char* param_type_name(metta::engine::ParamType type) {
  using metta::engine::ParamType;
  switch (type) {
    case ParamType::Int:
      return "int";
    case ParamType::Float:
      return "float";
    case ParamType::Bool:
      return "bool";
    case ParamType::String:
      return "str";
    case ParamType::StringList:
      return "str_list";
    case ParamType::IntTable:
      return "int_table";
    case ParamType::FloatTable:
      return "float_table";
  }
  return "?";
}

py::list params_list(std::span<const metta::engine::ParamSpec> params) {
  py::list out;
  for (const auto& spec : params) {
    py::dict entry;
    entry["name"] = spec.name;
    entry["type"] = param_type_name(spec.type);
    entry["lo"] = spec.lo;
    entry["hi"] = spec.hi;
    entry["default"] =
        spec.has_default ? py::object(py::float_(spec.fallback)) : py::object(py::none());
    entry["default_from"] = spec.fallback_from == nullptr ? py::object(py::none())
                                                          : py::object(py::str(spec.fallback_from));
    entry["doc"] = spec.doc;
    out.append(entry);
  }
  return out;
}

py::list stats_list(std::span<const metta::engine::StatSpec> stats) {
  py::list out;
  for (const auto& stat : stats) out.append(py::make_tuple(stat.name, stat.doc));
  return out;
}

py::dict feature_dict(const metta::engine::FeatureSpec& feature) {
  py::dict entry;
  entry["id"] = feature.id;
  entry["name"] = feature.name;
  entry["normalization"] = feature.normalization;
  entry["global"] = feature.global;
  return entry;
}

py::dict registry_dict() {
  namespace engine = metta::engine;
  py::list kinds;
  for (const auto& kind : engine::object_kind_table()) {
    py::dict entry;
    entry["id"] = kind.id;
    entry["name"] = kind.name;
    entry["params"] = params_list(kind.params);
    entry["observes"] = std::vector<int>(kind.observes.begin(), kind.observes.end());
    py::list features;
    for (const auto& feature : kind.own_features) features.append(feature_dict(feature));
    entry["features"] = features;
    entry["stats"] = stats_list(kind.stats);
    kinds.append(entry);
  }
  py::list actions;
  for (const auto& action : engine::action_table()) {
    py::dict entry;
    entry["id"] = action.id;
    entry["name"] = action.name;
    entry["config_key"] = action.config_key;
    entry["params"] = params_list(action.params);
    entry["stats"] = stats_list(action.stats);
    actions.append(entry);
  }
  py::list features;
  for (const auto& feature : engine::core_feature_table()) features.append(feature_dict(feature));
  py::dict limits;
  limits["max_items"] = engine::feature::kMaxItems;
  limits["inventory_feature_base"] = engine::feature::kInventoryBase;
  limits["extension_feature_base"] = engine::feature::kExtensionBase;
  limits["inventory_feature_prefix"] = engine::kInventoryFeaturePrefix;
  limits["inventory_normalization"] = engine::kInventoryNormalization;
  limits["max_obs_side"] = engine::kMaxObsSide;
  limits["token_bytes"] = engine::kTokenBytes;
  limits["max_objects"] = CompiledConfig::kMaxObjects;
  py::list empty_names;
  for (const char* name : engine::kEmptyCellNames) empty_names.append(name);
  py::dict out;
  out["kinds"] = kinds;
  out["actions"] = actions;
  out["features"] = features;
  out["game_params"] = params_list(engine::game_param_table());
  out["empty_cell_names"] = empty_names;
  out["limits"] = limits;
  return out;
}

// ---- per-game reports ----

// {"game": {...}, "agent": [per agent], "<kind>": [per object of every non-agent kind with stats]}.
py::dict episode_stats(const metta::engine::Game& game) {
  const auto& context = game.config().context;
  py::list agents;
  for (const auto* agent : game.agents())
    agents.append(stats_dict(context.agent_stats, agent->stats.values()));
  py::dict out;
  out["game"] = stats_dict(context.game_stats, game.stats().values());
  out["agent"] = agents;
  for (const auto* object : game.objects()) {
    if (object == nullptr || object->stats.size() == 0 ||
        object->layer() == metta::engine::Layer::Agent)
      continue;
    py::dict stats = stats_dict(context.object_stats, object->stats.values());
    stats["type_id"] = object->type_id();
    stats["location.r"] = object->loc.r;
    stats["location.c"] = object->loc.c;
    const py::str kind(std::string(metta::engine::kind_name(object->kind())));
    if (!out.contains(kind)) out[kind] = py::list();
    out[kind].cast<py::list>().append(stats);
  }
  return out;
}

py::dict last_episode(const metta::engine::Game& game) {
  const auto& summary = game.last_episode();
  // Stat names come from the ended episode's config: the game may have moved on to another
  // config (a curriculum task) whose stats differ.
  const CompiledConfig& config = summary.config ? *summary.config : game.config();
  py::list agents;
  for (const auto& values : summary.agent_stats)
    agents.append(stats_dict(config.context.agent_stats, values));
  py::dict out;
  out["initial_grid_hash"] = summary.grid_hash;
  out["seed"] = summary.seed;
  out["max_steps"] = config.max_steps;
  out["map_height"] = summary.map_height;
  out["map_width"] = summary.map_width;
  out["steps"] = summary.steps;
  out["rewards"] = summary.rewards;
  out["game"] = stats_dict(config.context.game_stats, summary.game_stats);
  out["agent"] = agents;
  return out;
}

// Object id -> {id, type, type_name, r, c, layer, <feature name>: value, agent_id}.
py::dict grid_objects(const metta::engine::Game& game) {
  const auto& config = game.config();
  const py::dict names = feature_names_by_id(config);
  py::dict out;
  std::vector<std::uint8_t> tokens(static_cast<std::size_t>(metta::engine::kTokenBytes) * 256);
  for (const auto* object : game.objects()) {
    if (object == nullptr) continue;
    metta::engine::ObsWriter writer{tokens.data(), tokens.data() + tokens.size(), 0, 0};
    object->write_obs(writer);
    py::dict entry;
    entry["id"] = object->id;
    entry["type"] = object->type_id();
    entry["type_name"] = config.objects[object->spec_index()].name;
    entry["r"] = object->loc.r;
    entry["c"] = object->loc.c;
    entry["layer"] = static_cast<int>(object->layer());
    for (const std::uint8_t* t = tokens.data(); t < writer.cursor;
         t += metta::engine::kTokenBytes) {
      entry[names[py::int_(t[1])]] = t[2];
    }
    if (object->layer() == metta::engine::Layer::Agent) {
      entry["agent_id"] = static_cast<const metta::engine::Agent*>(object)->agent_index;
    }
    out[py::int_(object->id)] = entry;
  }
  return out;
}

// Config object code (spec index + 1, 0 = empty) of the top object of every cell, and the agent
// index on the agent layer (-1 = none).
py::tuple grid_codes(const metta::engine::Game& game) {
  const auto& grid = game.grid();
  py::array_t<std::int32_t> codes({grid.height(), grid.width()});
  py::array_t<std::int32_t> agent_ids({grid.height(), grid.width()});
  auto c = codes.mutable_unchecked<2>();
  auto a = agent_ids.mutable_unchecked<2>();
  for (int r = 0; r < grid.height(); ++r) {
    for (int col = 0; col < grid.width(); ++col) {
      const metta::engine::Location loc{r, col};
      const auto* agent = game.agent_at(loc);
      const auto* object = game.object_at(loc, metta::engine::Layer::Object);
      const auto* top =
          agent != nullptr ? static_cast<const metta::engine::GridObject*>(agent) : object;
      c(r, col) = top == nullptr ? 0 : top->spec_index() + 1;
      a(r, col) = agent == nullptr ? -1 : static_cast<std::int32_t>(agent->agent_index);
    }
  }
  return py::make_tuple(codes, agent_ids);
}

// Observation buffer shape of a batch: [total_agents, num_tokens, kTokenBytes].
std::array<py::ssize_t, 3> observation_shape(const Batch& batch) {
  return {static_cast<py::ssize_t>(batch.total_agents()),
          static_cast<py::ssize_t>(batch.num_tokens()),
          static_cast<py::ssize_t>(metta::engine::kTokenBytes)};
}

// f applied to each element of `range`, as a vector (for list-valued properties).
template <class Range, class F>
auto map_each(const Range& range, F f) {
  std::vector<std::decay_t<decltype(f(*std::begin(range)))>> out;
  out.reserve(std::size(range));
  for (const auto& element : range) out.push_back(f(element));
  return out;
}

// ---- classes ----

void bind_compiled_config(py::module_& m) {
  py::class_<CompiledConfig, ConfigHandle>(m, "CompiledConfig")
      .def(py::init([](const py::dict& params) {
             return std::const_pointer_cast<CompiledConfig>(
                 CompiledConfig::compile(to_params(params, "")));
           }),
           py::arg("params"))
      .def_property_readonly("action_names",
                             [](const CompiledConfig& c) {
                               return map_each(c.actions, [](const auto& a) { return a->name(); });
                             })
      .def_property_readonly("max_action_args",
                             [](const CompiledConfig& c) {
                               return map_each(c.actions,
                                               [](const auto& a) { return a->max_arg(); });
                             })
      .def_property_readonly("object_names",
                             [](const CompiledConfig& c) {
                               return map_each(c.objects, [](const auto& o) { return o.name; });
                             })
      .def_property_readonly("object_type_ids",
                             [](const CompiledConfig& c) {
                               return map_each(c.objects,
                                               [](const auto& o) { return int{o.type_id}; });
                             })
      .def_property_readonly(
          "object_is_agent",
          [](const CompiledConfig& c) {
            return map_each(c.objects, [](const auto& o) { return o.prototype->is_agent(); });
          })
      .def_property_readonly("features",
                             [](const CompiledConfig& c) {
                               return map_each(c.features, [](const auto& f) {
                                 return std::tuple<int, std::string, float>(f.id, f.name,
                                                                            f.normalization);
                               });
                             })
      .def_property_readonly("items", [](const CompiledConfig& c) { return c.items; })
      .def_property_readonly("obs_width", [](const CompiledConfig& c) { return c.obs_width; })
      .def_property_readonly("obs_height", [](const CompiledConfig& c) { return c.obs_height; })
      .def_property_readonly("num_tokens", [](const CompiledConfig& c) { return c.num_tokens; })
      .def_property_readonly("max_steps", [](const CompiledConfig& c) { return c.max_steps; })
      .def(
          "count_agents",
          [](const CompiledConfig& c, const py::array& cells) {
            return to_map(cells)->validate(c);
          },
          py::arg("cells"));
}

void bind_batch_stepping(py::class_<PyBatch>& cls) {
  cls.def(py::init([](const std::vector<std::pair<ConfigHandle, py::array>>& games,
                      unsigned num_threads, bool autoreset) {
            std::vector<GameSetup> setups;
            setups.reserve(games.size());
            for (const auto& [config, cells] : games)
              setups.push_back(GameSetup{config, to_map(cells)});
            auto result = std::make_unique<PyBatch>();
            result->batch = std::make_unique<Batch>(std::move(setups), num_threads, autoreset);
            return result;
          }),
          py::arg("games"), py::arg("num_threads"), py::arg("autoreset"))
      .def_property_readonly("num_envs", [](const PyBatch& b) { return b.batch->num_envs(); })
      .def_property_readonly("agents_per_env",
                             [](const PyBatch& b) { return b.batch->agents_per_env(); })
      .def_property_readonly("total_agents",
                             [](const PyBatch& b) { return b.batch->total_agents(); })
      .def_property_readonly("num_tokens", [](const PyBatch& b) { return b.batch->num_tokens(); })
      .def_property_readonly("num_threads", [](const PyBatch& b) { return b.batch->num_threads(); })
      .def(
          "reset",
          [](PyBatch& b, std::uint64_t seed) {
            const py::gil_scoped_release release;
            b.batch->reset(seed);
          },
          py::arg("seed"))
      .def(
          "step",
          [](PyBatch& b, const py::array& actions) {
            const auto total = static_cast<py::ssize_t>(b.batch->total_agents());
            // A caller may pass a read-only array: the engine only reads actions.
            const std::int32_t* data =
                checked_buffer<std::int32_t, 2>(actions, "actions", {total, 2}, false);
            const py::gil_scoped_release release;
            b.batch->step(data);
            return b.batch->any_episode_done();
          },
          py::arg("actions"))
      .def(
          "set_next",
          [](PyBatch& b, std::size_t game, const ConfigHandle& config, const py::array& cells) {
            b.batch->set_next(game, GameSetup{config, to_map(cells)});
          },
          py::arg("game"), py::arg("config"), py::arg("cells"));
}

void bind_batch_buffers(py::class_<PyBatch>& cls) {
  cls.def(
         "set_buffers",
         [](PyBatch& b, const py::array& observations, const py::array& rewards,
            const py::array& terminals, const py::array& truncations) {
           const auto agents = static_cast<py::ssize_t>(b.batch->total_agents());
           metta::engine::BatchBuffers buffers;
           buffers.observations = checked_buffer<std::uint8_t, 3>(observations, "observations",
                                                                  observation_shape(*b.batch));
           buffers.rewards = checked_buffer<float, 1>(rewards, "rewards", {agents});
           buffers.terminals = checked_buffer<bool, 1>(terminals, "terminals", {agents});
           buffers.truncations = checked_buffer<bool, 1>(truncations, "truncations", {agents});
           b.batch->set_buffers(buffers);
           b.observations = observations;
           b.rewards = rewards;
           b.terminals = terminals;
           b.truncations = truncations;
         },
         py::arg("observations"), py::arg("rewards"), py::arg("terminals"), py::arg("truncations"))
      .def("buffers",
           [](const py::object& self) {
             PyBatch& b = self.cast<PyBatch&>();
             const auto agents = static_cast<py::ssize_t>(b.batch->total_agents());
             const auto& buffers = b.batch->buffers();
             const auto shape = observation_shape(*b.batch);
             // Views over the engine's own memory; `self` stays alive as their base.
             return py::make_tuple(view(self, buffers.observations, {shape.begin(), shape.end()}),
                                   view(self, buffers.rewards, {agents}),
                                   view(self, buffers.terminals, {agents}),
                                   view(self, buffers.truncations, {agents}));
           })
      .def("observation_address", [](const PyBatch& b) {
        return reinterpret_cast<std::uintptr_t>(b.batch->buffers().observations);
      });
}

void bind_batch_reports(py::class_<PyBatch>& cls) {
  cls.def("config",
          [](const PyBatch& b, std::size_t game) {
            // The config of the game's current episode (a shared, immutable handle).
            return std::const_pointer_cast<CompiledConfig>(b.batch->game(game).config_handle());
          })
      .def("episodes_done", [](const PyBatch& b) { return b.batch->episodes_done(); })
      .def("episode_index",
           [](const PyBatch& b, std::size_t game) { return b.batch->episode_index(game); })
      .def("current_step",
           [](const PyBatch& b, std::size_t game) { return b.batch->game(game).current_step(); })
      .def("initial_grid_hash",
           [](const PyBatch& b, std::size_t game) { return b.batch->game(game).grid_hash(); })
      .def("map_shape",
           [](const PyBatch& b, std::size_t game) {
             const auto& map = b.batch->game(game).map();
             return py::make_tuple(map.height, map.width);
           })
      .def("action_success",
           [](const PyBatch& b, std::size_t game) {
             const auto& success = b.batch->game(game).action_success();
             return std::vector<bool>(success.begin(), success.end());
           })
      .def("episode_rewards",
           [](const PyBatch& b, std::size_t game) { return b.batch->game(game).episode_rewards(); })
      .def("episode_stats",
           [](const PyBatch& b, std::size_t game) { return episode_stats(b.batch->game(game)); })
      .def("last_episode",
           [](const PyBatch& b, std::size_t game) { return last_episode(b.batch->game(game)); })
      .def("grid_objects",
           [](const PyBatch& b, std::size_t game) { return grid_objects(b.batch->game(game)); })
      .def("grid_codes",
           [](const PyBatch& b, std::size_t game) { return grid_codes(b.batch->game(game)); });
}

}  // namespace

PYBIND11_MODULE(_mettagrid, m) {
  m.doc() =
      "MettaGrid engine: compiled game configs and batches of games stepped on a thread pool.";
  m.def("registry", &registry_dict,
        "Every object kind, action and feature the engine knows, with the config schema each "
        "declares.");
  bind_compiled_config(m);
  py::class_<PyBatch> batch(m, "Batch");
  bind_batch_stepping(batch);
  bind_batch_buffers(batch);
  bind_batch_reports(batch);
}
