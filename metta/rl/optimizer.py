"""``Optimizer``: Adam or Muon+Adam over a policy, with gradient clipping and real accumulation.

``step(loss, epoch, accumulate_steps)`` does backward, and every ``accumulate_steps``-th call clips
the global gradient norm, steps and calls ``policy.clip_weights()`` when the policy has it.

Gradients are zeroed at the start of each accumulation window (zeroing before every backward
would keep only the last chunk's gradient), each loss is scaled by ``1 / k`` (k equal chunks then
give exactly the big-batch gradient), and the window is counted by the optimizer's own call
counter; ``epoch`` is accepted for the seed's call signature but does not decide when to step.
Muon uses ``torch.optim.Muon`` (PyTorch >= 2.9) on 2-D weight matrices and Adam on the rest,
instead of heavyball's Muon on every tensor.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal

import torch
from torch import nn

from metta.rl.trainer_config import OptimizerConfig, PPOConfig

if TYPE_CHECKING:
    from metta.rl.trainer_config import TrainerConfig

__all__ = ["Optimizer", "split_muon_parameters"]

_DEFAULTS = OptimizerConfig()


def split_muon_parameters(policy: nn.Module) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    """Splits trainable parameters into (Muon, Adam) groups.

    Muon takes 2-D weights with both sides > 1 that are not embedding tables: hidden matrices,
    where orthogonalised updates help. Biases, embeddings, conv kernels (4-D), and vector-like
    heads such as a ``[1, hidden]`` value layer go to Adam.
    """
    embedding_ids = {
        id(module.weight)
        for module in policy.modules()
        if isinstance(module, nn.Embedding | nn.EmbeddingBag)
    }
    muon, adam = [], []
    for parameter in policy.parameters():
        if not parameter.requires_grad:
            continue
        is_matrix = parameter.ndim == 2 and min(parameter.shape) > 1
        (muon if is_matrix and id(parameter) not in embedding_ids else adam).append(parameter)
    return muon, adam


class Optimizer:
    """Wrapper over one or two torch optimizers; defaults are ``TrainerConfig``'s.

    ``param_groups`` lists the groups of every inner optimizer (an LR schedule writes their "lr"),
    ``state_dict`` / ``load_state_dict`` round-trip all of them plus the accumulation counter.
    """

    def __init__(
        self,
        optimizer_type: Literal["adam", "muon"] = "adam",
        policy: nn.Module | None = None,
        learning_rate: float = _DEFAULTS.learning_rate,
        betas: tuple[float, float] = (_DEFAULTS.beta1, _DEFAULTS.beta2),
        eps: float = _DEFAULTS.eps,
        weight_decay: float = _DEFAULTS.weight_decay,
        max_grad_norm: float = PPOConfig().max_grad_norm,
    ) -> None:
        if policy is None or not isinstance(policy, nn.Module):
            raise ValueError(f"Optimizer: policy must be a torch.nn.Module, got {type(policy)}")
        # Validate the numbers through the config model so errors name the field.
        OptimizerConfig(
            type=optimizer_type, learning_rate=learning_rate, beta1=betas[0], beta2=betas[1],
            eps=eps, weight_decay=weight_decay,
        )  # fmt: skip
        PPOConfig(max_grad_norm=max_grad_norm)
        self.policy = policy
        self.optimizer_type = optimizer_type
        self.max_grad_norm = max_grad_norm
        self.parameters = [p for p in policy.parameters() if p.requires_grad]
        if not self.parameters:
            raise ValueError("Optimizer: the policy has no trainable parameters")
        adam_kwargs = {
            "lr": learning_rate,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
        }
        if optimizer_type == "adam":
            self.optimizers: list[torch.optim.Optimizer] = [
                torch.optim.Adam(self.parameters, **adam_kwargs)
            ]
        else:
            self.optimizers = _make_muon(policy, learning_rate, betas, weight_decay, adam_kwargs)
        self._calls = 0
        self._pending = 0
        self._last_grad_norm: torch.Tensor | None = None

    @classmethod
    def from_config(cls, policy: nn.Module, trainer_config: TrainerConfig) -> Optimizer:
        """Builds the optimizer from ``trainer_config.optimizer`` and ``ppo.max_grad_norm``."""
        cfg = trainer_config.optimizer
        return cls(
            optimizer_type=cfg.type,
            policy=policy,
            learning_rate=cfg.learning_rate,
            betas=(cfg.beta1, cfg.beta2),
            eps=cfg.eps,
            weight_decay=cfg.weight_decay,
            max_grad_norm=trainer_config.ppo.max_grad_norm,
        )

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        """The parameter groups of every inner optimizer (the same dict objects)."""
        return [group for optimizer in self.optimizers for group in optimizer.param_groups]

    @property
    def pending_steps(self) -> int:
        """Backward passes accumulated since the last optimizer step."""
        return self._pending

    def zero_grad(self) -> None:
        """Drops all gradients and any partly accumulated window."""
        for optimizer in self.optimizers:
            optimizer.zero_grad(set_to_none=True)
        self._pending = 0

    def step(self, loss: torch.Tensor, epoch: int = 0, accumulate_steps: int = 1) -> bool:
        """Backward of ``loss / accumulate_steps``; steps on every ``accumulate_steps``-th call.

        Returns True when the parameters were updated. ``epoch`` is not used to count the window.
        """
        if not isinstance(accumulate_steps, int) or accumulate_steps < 1:
            raise ValueError(
                f"Optimizer.step: accumulate_steps must be an int >= 1, got {accumulate_steps!r}"
            )
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise ValueError("Optimizer.step: loss must be a scalar tensor")
        if self._calls % accumulate_steps == 0:
            self.zero_grad()
        (loss / accumulate_steps).backward()
        self._calls += 1
        self._pending += 1
        if self._calls % accumulate_steps != 0:
            return False
        self._apply()
        return True

    def flush(self) -> bool:
        """Applies a partly accumulated window (e.g. at the end of an epoch); False if none."""
        if self._pending == 0:
            return False
        self._apply()
        self._calls = 0
        return True

    def _apply(self) -> None:
        norm = torch.nn.utils.clip_grad_norm_(self.parameters, self.max_grad_norm)
        self._last_grad_norm = norm.detach()
        for optimizer in self.optimizers:
            optimizer.step()
        self._pending = 0
        clip_weights = getattr(self.policy, "clip_weights", None)
        if callable(clip_weights):
            clip_weights()

    def state_dict(self) -> dict[str, Any]:
        """State of every inner optimizer and the accumulation counter."""
        return {
            "optimizer_type": self.optimizer_type,
            "optimizers": [optimizer.state_dict() for optimizer in self.optimizers],
            "calls": self._calls,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores ``state_dict()``; a plain torch optimizer state fills a single optimizer."""
        if "optimizers" not in state:
            if len(self.optimizers) != 1:
                raise ValueError(
                    "Optimizer.load_state_dict: a single-optimizer state cannot fill Muon+Adam"
                )
            self.optimizers[0].load_state_dict(copy.deepcopy(state))
            return
        if state.get("optimizer_type") != self.optimizer_type:
            raise ValueError(
                f"Optimizer.load_state_dict: state is for optimizer_type="
                f"{state.get('optimizer_type')!r}, this optimizer is {self.optimizer_type!r}"
            )
        if len(state["optimizers"]) != len(self.optimizers):
            raise ValueError(
                f"Optimizer.load_state_dict: state has {len(state['optimizers'])} optimizers, "
                f"expected {len(self.optimizers)}"
            )
        for optimizer, sub_state in zip(self.optimizers, state["optimizers"], strict=True):
            # torch keeps same-device tensors of the given state by reference; copy so that two
            # optimizers never share moment buffers.
            optimizer.load_state_dict(copy.deepcopy(sub_state))
        self._calls = int(state.get("calls", 0))

    @property
    def last_grad_norm(self) -> float | None:
        """Gradient norm before clipping at the last step (syncs; None before any step)."""
        return None if self._last_grad_norm is None else float(self._last_grad_norm)


def _make_muon(
    policy: nn.Module,
    learning_rate: float,
    betas: tuple[float, float],
    weight_decay: float,
    adam_kwargs: dict[str, Any],
) -> list[torch.optim.Optimizer]:
    """torch.optim.Muon on the matrices, Adam on the rest; lr matched to AdamW's update RMS."""
    muon_class = getattr(torch.optim, "Muon", None)
    if muon_class is None:
        raise ValueError(
            f"Optimizer: optimizer_type='muon' needs torch.optim.Muon (PyTorch >= 2.9); "
            f"this is torch {torch.__version__}. Use optimizer_type='adam' or upgrade torch."
        )
    muon_params, adam_params = split_muon_parameters(policy)
    optimizers: list[torch.optim.Optimizer] = []
    if muon_params:
        optimizers.append(
            muon_class(
                muon_params,
                lr=learning_rate,
                weight_decay=weight_decay,
                momentum=betas[0],
                nesterov=True,
                adjust_lr_fn="match_rms_adamw",
            )
        )
    if adam_params:
        optimizers.append(torch.optim.Adam(adam_params, **adam_kwargs))
    return optimizers
