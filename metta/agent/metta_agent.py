"""``MettaAgent``: a policy built as a graph of named components from an agent config.

Data flow: tokens ``[N, M, 3]`` -> ``_obs_`` box -> encoder -> ``_core_`` LSTM -> ``_value_``
and ``_action_`` (bilinear logits over the env's flat actions) -> sampled or given actions.
Nodes are built in dependency order (shapes inferred from sources) and run in that order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from omegaconf import DictConfig
from torch import nn

from metta.agent.action_space import ActionSpace
from metta.agent.agent_config import AgentArchitectureConfig, parse_agent_config
from metta.agent.components import (
    BuildContext,
    Component,
    ForwardContext,
    ParamLayer,
    resolve_component,
)
from metta.agent.feature_mapping import build_feature_remap, parse_features
from metta.agent.policy_state import PolicyState
from metta.agent.weight_metrics import analyze_weights

__all__ = ["MettaAgent"]

logger = logging.getLogger(__name__)


def _dependency_order(components: Mapping[str, Component]) -> list[str]:
    """Components reachable from _value_ and _action_, each after its sources; cycles raise."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = " -> ".join([*path[path.index(name) :], name])
            raise ValueError(f"agent.components: the sources form a cycle: {cycle}")
        state[name] = "active"
        for source in components[name].source_names:
            visit(source, [*path, name])
        state[name] = "done"
        order.append(name)

    visit("_value_", [])
    visit("_action_", [])
    unused = [name for name in components if name not in state]
    if unused:
        raise ValueError(
            f"agent.components: {unused} feed neither _value_ nor _action_; "
            f"connect them through 'sources' or remove them"
        )
    return order


def _logprob_and_entropy(
    log_probs: torch.Tensor, logit_index: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``log_probs[i, logit_index[i]]`` and the entropy ``-sum p log p`` of each row."""
    logprob = log_probs.gather(-1, logit_index.unsqueeze(-1)).squeeze(-1)
    probs = log_probs.exp()
    entropy = -(probs * log_probs.masked_fill(probs == 0, 0.0)).sum(dim=-1)  # 0 log 0 = 0
    return logprob, entropy


class MettaAgent(nn.Module):
    """Component-graph policy; see the module docstring and ``forward`` for the contract."""

    def __init__(
        self,
        obs_shape: Sequence[int],
        obs_width: int,
        obs_height: int,
        feature_normalizations: Mapping[int, float],
        config: AgentArchitectureConfig | Mapping[str, Any] | DictConfig,
        device: str | torch.device = "cpu",
        num_features: int | None = None,
    ) -> None:
        super().__init__()
        self.agent_config = parse_agent_config(config)
        obs_shape = tuple(int(d) for d in obs_shape)
        if len(obs_shape) != 2 or obs_shape[1] != 3 or obs_shape[0] <= 0:
            raise ValueError(f"obs_shape: expected (tokens, 3), got {list(obs_shape)}")
        norms = {int(k): float(v) for k, v in feature_normalizations.items()}
        if num_features is None:
            if not norms:
                raise ValueError(
                    "feature_normalizations: empty, so the number of features is unknown; "
                    "pass the env's features or num_features"
                )
            num_features = max(norms) + 1
        self.obs_shape = obs_shape
        self.obs_width = int(obs_width)
        self.obs_height = int(obs_height)
        self.num_features = int(num_features)
        self.feature_normalizations = norms
        self.clip_range = float(self.agent_config.clip_range)
        self.l2_init_weight_update_interval = self.agent_config.l2_init_weight_update_interval
        self.analyze_weights_interval = self.agent_config.analyze_weights_interval
        build = BuildContext(
            obs_width=self.obs_width,
            obs_height=self.obs_height,
            num_features=self.num_features,
            feature_normalizations=norms,
            clip_range=self.clip_range,
        )
        self.components = nn.ModuleDict()
        for name, spec in self.agent_config.components.items():
            component_class = resolve_component(spec.target, f"agent.components.{name}")
            try:
                self.components[name] = component_class(name, spec)
            except KeyError as error:
                raise ValueError(f"agent.components: {name!r} is not a usable name") from error
        self._order = _dependency_order(self.components)
        for name in self._order:
            component = self.components[name]
            in_shapes = [self.components[s].out_shape for s in component.source_names]
            component.out_shape = tuple(component.setup(in_shapes, build))
        core = self.components["_core_"]
        if not hasattr(core, "hidden_size"):
            raise ValueError("agent.components._core_: must be an LSTM component")
        if not hasattr(self.components["_action_embeds_"], "activate"):
            raise ValueError("agent.components._action_embeds_: must be an ActionEmbedding")
        if self.components["_value_"].out_shape != (1,):
            raise ValueError(
                f"agent.components._value_: must output one value per agent, got shape "
                f"{list(self.components['_value_'].out_shape)}"
            )
        self.hidden_size: int = core.hidden_size
        self.core_num_layers: int = core.num_layers
        self.original_feature_mapping: dict[str, int] = {}
        self.action_names: list[str] = []
        self.max_action_args: list[int] = []
        self.action_space: ActionSpace | None = None
        self.to(torch.device(device))

    # ----------------------------------------------------------------------------- environment

    @property
    def device(self) -> torch.device:
        """Device of the parameters (follows ``.to()``)."""
        return next(self.parameters()).device

    @property
    def lstm(self) -> nn.LSTM:
        """The core's ``nn.LSTM``."""
        return self.components["_core_"].net

    @property
    def total_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def validate_observation_shape(self, obs_width: int, obs_height: int) -> None:
        """Raises if an env's observation window differs from the one the agent was built for."""
        if (int(obs_width), int(obs_height)) != (self.obs_width, self.obs_height):
            raise ValueError(
                f"obs_width/obs_height: the environment's {obs_width}x{obs_height} observation "
                f"window does not fit this agent, built for {self.obs_width}x{self.obs_height}"
            )

    def restore_original_feature_mapping(self, mapping: Mapping[str, int]) -> None:
        """Sets the name -> id map the policy was trained with (from checkpoint metadata)."""
        self.original_feature_mapping = {str(k): int(v) for k, v in mapping.items()}

    def initialize_to_environment(
        self,
        features: Mapping[str, Any] | None,
        action_names: Sequence[str],
        max_action_args: Sequence[int],
        device: str | torch.device | None = None,
        is_training: bool | None = None,
    ) -> None:
        """Maps the env's feature ids onto the policy's by name and activates its actions.

        ``features`` is ``{name: {"id", "type", "normalization"}}`` (None keeps the current
        mapping). The first call records the ids as the originals; later calls remap by name,
        unknown names being dropped (eval) or learned (training; default: ``self.training``).
        Normalizations stay those given at construction (1 where none was given); a learned
        feature takes the env's normalization only if its id had none.
        """
        if device is not None:
            self.to(torch.device(device))
        if is_training is None:
            is_training = self.training
        if features is not None:
            remap = build_feature_remap(
                self.original_feature_mapping, parse_features(features), is_training
            )
            self.original_feature_mapping = remap.mapping
            table = torch.tensor(remap.table, dtype=torch.long)
            normalizers = [c for c in self.components.values() if hasattr(c, "set_normalization")]
            for name, (feature_id, norm) in remap.added.items():
                logger.info("MettaAgent: learned new feature %r as id %d", name, feature_id)
                # A normalization given at construction belongs to the policy's id and wins over
                # the environment's; the env's only fills ids the policy has none for.
                if norm is None or feature_id in self.feature_normalizations:
                    continue
                for normalizer in normalizers:
                    normalizer.set_normalization(feature_id, norm)
            for component in self.components.values():
                if hasattr(component, "update_feature_remapping"):
                    component.update_feature_remapping(table)
                if hasattr(component, "set_feature_ids"):
                    component.set_feature_ids(self.original_feature_mapping)
        self.activate_actions(action_names, max_action_args, self.device)

    def activate_actions(
        self, action_names: Sequence[str], max_action_args: Sequence[int], device: torch.device
    ) -> None:
        """Builds the flat action tables and selects the action embeddings by name."""
        space = ActionSpace(
            action_names,
            max_action_args,
            torch.device(device),
            disabled=self.agent_config.disabled_actions,
        )
        self.components["_action_embeds_"].activate(space.full_action_names)
        self.action_space = space
        self.action_names = list(space.action_names)
        self.max_action_args = list(space.max_action_args)

    # ----------------------------------------------------------------------------- forward

    def forward(
        self,
        x: torch.Tensor,
        state: PolicyState | None = None,
        action: torch.Tensor | None = None,
        dones: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Rollout ``x[N, M, 3]`` or training ``x[B, T, M, 3]`` (+ ``action[B, T, 2]``).

        Returns ``(action [BT, 2] int32, logprob [BT], entropy [BT], value [BT, 1],
        log_probs [BT, A])``; actions are sampled when ``action`` is None, else evaluated
        (``sample_actions`` / ``evaluate_actions`` on the ``_action_`` logits). ``log_probs`` are
        in the engine's action order (``ActionSpace.engine_order``: absolute ``rotate`` args), so
        a teacher's distribution or action compares with them whatever view either one uses.
        ``state`` (``lstm_h``/``lstm_c`` of ``[L, B, H]`` or None for zeros) is updated in place
        with the detached final state. ``dones`` (``[B, T]`` or ``[N]``, True where the
        observation starts a new episode) zeroes the LSTM state of those rows before the step.
        """
        if self.action_space is None:
            raise RuntimeError(
                "MettaAgent has no actions: call initialize_to_environment(features, "
                "action_names, max_action_args, device) before the forward pass"
            )
        if x.dim() == 4:
            batch, time = int(x.shape[0]), int(x.shape[1])
        elif x.dim() == 3:
            batch, time = int(x.shape[0]), 1
        else:
            raise ValueError(f"x: expected [N, M, 3] or [B, T, M, 3] tokens, got {list(x.shape)}")
        if x.shape[-1] != 3:
            raise ValueError(f"x: expected tokens with last dim 3, got shape {list(x.shape)}")
        tokens = x.reshape(batch * time, x.shape[-2], 3)
        if dones is not None:
            if dones.numel() != batch * time:
                raise ValueError(
                    f"dones: expected {batch * time} entries ([B, T] = [{batch}, {time}]), "
                    f"got shape {list(dones.shape)}"
                )
            dones = dones.reshape(batch, time).to(tokens.device)
        context = ForwardContext(
            batch=batch,
            bptt=time,
            state=state if state is not None else PolicyState(),
            observations=tokens,
            dones=dones,
        )
        outputs: dict[str, torch.Tensor] = {}
        for name in self._order:
            component = self.components[name]
            outputs[name] = component([outputs[s] for s in component.source_names], context)
        logits = outputs["_action_"]
        value = outputs["_value_"]
        heading = context.extras.get("heading")  # set by an EgocentricView
        if action is None:
            chosen, logprob, entropy, log_probs = self.sample_actions(logits, heading)
        else:
            if action.numel() != batch * time * 2:
                raise ValueError(
                    f"action: expected [B, T, 2] = [{batch}, {time}, 2], got {list(action.shape)}"
                )
            chosen = action.reshape(batch * time, 2).to(torch.int32)
            logprob, entropy, log_probs = self.evaluate_actions(logits, chosen, heading)
        if self.action_space is not None:
            log_probs = self.action_space.engine_order(log_probs, heading)
        return chosen, logprob, entropy, value, log_probs

    def _action_log_probs(self, logits: torch.Tensor, heading: torch.Tensor | None) -> torch.Tensor:
        """Checks ``logits [N, A]`` (and ``heading [N]``) against the actions; log-softmax."""
        if self.action_space is None:
            raise RuntimeError(
                "MettaAgent has no actions: call initialize_to_environment(features, "
                "action_names, max_action_args, device) before sampling or evaluating actions"
            )
        num_logits = self.action_space.num_logits
        if logits.dim() != 2 or logits.shape[1] != num_logits:
            raise ValueError(
                f"logits: expected [N, {num_logits}] (one logit per action of the environment), "
                f"got {list(logits.shape)}"
            )
        if heading is not None and heading.shape != logits.shape[:1]:
            raise ValueError(
                f"heading: expected [{logits.shape[0]}] (one per row of logits), "
                f"got {list(heading.shape)}"
            )
        self.action_space.to(logits.device)
        if self.action_space.has_disabled:
            logits = logits.masked_fill(self.action_space.disabled, float("-inf"))
        return F.log_softmax(logits, dim=-1)

    def sample_actions(
        self, logits: torch.Tensor, heading: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Draws one action per row of ``logits [N, A]`` (the ``_action_`` output).

        Returns ``(action [N, 2] int32 (type, arg), logprob [N], entropy [N], log_probs [N, A])``.
        ``heading [N]`` (quarter turns clockwise, from an ``EgocentricView``) reads the ``rotate``
        logits as turns relative to it and returns the engine's absolute orientations.
        """
        log_probs = self._action_log_probs(logits, heading)
        logit_index = torch.multinomial(log_probs.exp(), 1).squeeze(-1)
        action = self.action_space.to_action(logit_index, heading)
        logprob, entropy = _logprob_and_entropy(log_probs, logit_index)
        return action, logprob, entropy, log_probs

    def evaluate_actions(
        self, logits: torch.Tensor, action: torch.Tensor, heading: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Scores given actions ``[N, 2]`` (type, arg) under ``logits [N, A]``.

        Returns ``(logprob [N], entropy [N], log_probs [N, A])``; pairs outside the action space
        raise. ``heading [N]`` reads ``rotate`` args as absolute orientations, as
        ``sample_actions`` returns them.
        """
        log_probs = self._action_log_probs(logits, heading)
        if action.shape != (logits.shape[0], 2):
            raise ValueError(
                f"action: expected [{logits.shape[0]}, 2] (type, arg) pairs, one per row of "
                f"logits, got {list(action.shape)}"
            )
        logit_index = self.action_space.to_logit_index(action.to(log_probs.device), heading)
        logprob, entropy = _logprob_and_entropy(log_probs, logit_index)
        return logprob, entropy, log_probs

    # ----------------------------------------------------------------------------- regularisation

    def l2_init_loss(self) -> torch.Tensor:
        """Sum over weight layers of l2_init_scale * ||W - W_init||^2 (differentiable)."""
        terms = [c.l2_init_loss() for c in self.components.values()]
        terms = [term for term in terms if term is not None]
        if not terms:
            return torch.zeros((), device=next(self.parameters()).device)
        return torch.stack(terms).sum()

    def update_l2_init_weight_copy(self, alpha: float = 0.9) -> None:
        """Moves every layer's L2-init reference: W_init <- alpha W_init + (1 - alpha) W."""
        for component in self.components.values():
            component.update_l2_init_weight_copy(alpha)

    def maybe_update_l2_init_weight_copy(
        self, epoch: int, alpha: float = 0.9, previous_epoch: int | None = None
    ) -> bool:
        """Honours ``l2_init_weight_update_interval``: updates when epoch % interval == 0, or,
        given ``previous_epoch``, when a multiple of the interval lies in (previous, epoch] (a
        training phase advances the epoch by several update epochs, or fewer on a KL stop)."""
        interval = self.l2_init_weight_update_interval
        if interval <= 0:
            return False
        due = (
            epoch // interval > previous_epoch // interval
            if previous_epoch is not None
            else epoch % interval == 0
        )
        if due:
            self.update_l2_init_weight_copy(alpha)
        return due

    def compute_weight_metrics(self, delta: float = 0.01) -> list[dict[str, float | str]]:
        """Singular-value metrics of each layer flagged ``analyze_weights``/``effective_rank``."""
        results: list[dict[str, float | str]] = []
        for name, component in self.components.items():
            flagged = component.spec.analyze_weights or component.spec.effective_rank
            if flagged and isinstance(component, ParamLayer):
                metrics: dict[str, float | str] = dict(
                    analyze_weights(component.weight_layer.weight, delta)
                )
                metrics["name"] = name
                results.append(metrics)
        return results

    def clip_weights(self) -> None:
        """Clamps weights to +-clip_range * largest_init * clip_scale when clip_range > 0.

        Only the components that can clip (weight layers) are clipped; the others are skipped.
        """
        if self.clip_range > 0:
            for component in self.components.values():
                if component.can_clip_weights:
                    component.clip_weights()
