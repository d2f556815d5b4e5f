"""``LSTM`` core: ``[B*T, D]`` features -> ``[B*T, H]`` through ``nn.LSTM`` over time.

The state comes from and goes back to ``context.state`` (``[L, B, H]``, detached on the way
out). When ``context.dones`` (``[B, T]``) is given, an agent's state is zeroed before the step
whose observation starts a new episode; without it the state flows on across episodes.
"""

from __future__ import annotations

import itertools

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from metta.agent.components.base import BuildContext, Component, ForwardContext, validate_params

__all__ = ["LSTM", "LSTMParams"]


class LSTMParams(BaseModel):
    """``nn_params`` of the core."""

    model_config = ConfigDict(extra="forbid")

    num_layers: int = Field(default=2, gt=0)
    """Stacked LSTM layers."""


class LSTM(Component):
    """Recurrent core; orthogonal weights and all biases 1 (the forget gate starts mostly open)."""

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """nn.LSTM(in -> output_size, num_layers)."""
        params = validate_params(LSTMParams, self.spec.nn_params, self.where)
        if self.spec.output_size is None:
            raise ValueError(f"{self.where}.output_size: the LSTM core needs an output_size")
        if len(in_shapes[0]) != 1:
            raise ValueError(f"{self.where}: LSTM needs a flat input, got {list(in_shapes[0])}")
        self.hidden_size = self.spec.output_size
        self.num_layers = params.num_layers
        self.net = nn.LSTM(in_shapes[0][0], self.hidden_size, num_layers=self.num_layers)
        with torch.no_grad():
            for name, parameter in self.net.named_parameters():
                if "bias" in name:
                    parameter.fill_(1.0)
                elif "weight" in name:
                    nn.init.orthogonal_(parameter, gain=1.0)
        return (self.hidden_size,)

    def _initial_state(
        self, context: ForwardContext, batch: int, like: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The incoming state, checked, or zeros."""
        expected = (self.num_layers, batch, self.hidden_size)
        state = context.state
        if state.lstm_h is None or state.lstm_c is None:
            zeros = torch.zeros(expected, dtype=like.dtype, device=like.device)
            return zeros, zeros.clone()
        for label, tensor in (("lstm_h", state.lstm_h), ("lstm_c", state.lstm_c)):
            if tuple(tensor.shape) != expected:
                raise ValueError(
                    f"PolicyState.{label}: expected shape {list(expected)} "
                    f"(layers, agents, hidden), got {list(tensor.shape)}"
                )
        return state.lstm_h.to(like.dtype), state.lstm_c.to(like.dtype)

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Runs the sequence, resetting on dones when given, and stores the final state."""
        x = inputs[0]
        batch, time = context.batch, context.bptt
        sequence = x.reshape(batch, time, -1).transpose(0, 1)  # [T, B, D]
        h, c = self._initial_state(context, batch, x)
        if context.dones is None:
            output, (h, c) = self.net(sequence, (h, c))
        else:
            # Run maximal spans without a reset in one call; reset rows at each span start.
            dones = context.dones.reshape(batch, time).bool().t()  # [T, B]
            starts = [0, *(torch.nonzero(dones[1:].any(dim=1)).flatten() + 1).tolist(), time]
            outputs = []
            for start, end in itertools.pairwise(starts):
                keep = (~dones[start]).to(x.dtype).view(1, batch, 1)
                span, (h, c) = self.net(sequence[start:end], (h * keep, c * keep))
                outputs.append(span)
            output = torch.cat(outputs, dim=0)
        context.state.lstm_h = h.detach()
        context.state.lstm_c = c.detach()
        return output.transpose(0, 1).reshape(batch * time, self.hidden_size)
