"""Native CPU and CUDA kernels against the PyTorch reference; layout, aliasing and bad input."""

import logging

import numpy as np
import pytest
import torch

from metta.rl import advantage as advantage_module
from metta.rl.advantage import compute_advantage, compute_advantage_reference, native_backends

SCALARS = (0.977, 0.916, 1.0, 1.0)
SHAPES = [(1, 2), (3, 5), (7, 1), (8, 64), (9, 64), (17, 33), (5, 200), (1024, 16), (2049, 64)]


def random_inputs(shape, seed, device="cpu"):
    """values, rewards, dones, importance ratio: a mix of episode ends and off-policy ratios."""
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(shape, generator=generator)
    rewards = torch.randn(shape, generator=generator)
    dones = (torch.rand(shape, generator=generator) < 0.1).float()
    ratio = torch.rand(shape, generator=generator) * 2.0
    return [t.to(device) for t in (values, rewards, dones, ratio)]


def native(inputs, scalars=SCALARS, device="cpu"):
    out = torch.zeros_like(inputs[0])
    return compute_advantage(*inputs, out, *scalars, device)


def test_native_cpu_backend_is_built():
    assert "cpu" in native_backends()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("clips", [(1.0, 1.0), (0.5, 2.0), (3.0, 0.25)])
def test_native_cpu_matches_reference(shape, clips):
    inputs = random_inputs(shape, seed=shape[0] * 1000 + shape[1])
    scalars = (0.99, 0.95, *clips)
    expected = compute_advantage_reference(*inputs, *scalars)
    torch.testing.assert_close(native(inputs, scalars), expected, rtol=1e-5, atol=1e-5)


def test_result_does_not_depend_on_thread_count():
    inputs = random_inputs((4099, 64), seed=3)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = native(inputs)
        torch.set_num_threads(2)
        two = native(inputs)
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(one, two)


def test_non_contiguous_inputs_are_read_correctly():
    inputs = random_inputs((40, 24), seed=5)
    transposed = [t.t().contiguous().t() for t in inputs]  # same values, column-major strides
    assert not transposed[0].is_contiguous()
    torch.testing.assert_close(native(transposed), native(inputs), rtol=0, atol=0)


def test_non_contiguous_output_is_written_in_place():
    inputs = random_inputs((10, 12), seed=6)
    storage = torch.full((10, 24), -1.0)
    out = storage[:, ::2]
    assert not out.is_contiguous()
    result = compute_advantage(*inputs, out, *SCALARS, "cpu")
    assert result is out
    torch.testing.assert_close(out, native(inputs), rtol=0, atol=0)
    assert (storage[:, 1::2] == -1.0).all()


def test_output_aliasing_an_input_is_handled():
    inputs = random_inputs((16, 20), seed=7)
    expected = native(inputs)
    values = inputs[0].clone()
    result = compute_advantage(values, *inputs[1:], values, *SCALARS, "cpu")
    assert result is values
    torch.testing.assert_close(values, expected, rtol=0, atol=0)


def test_inputs_that_require_grad_are_accepted():
    inputs = random_inputs((4, 8), seed=8)
    inputs[0].requires_grad_(True)
    result = native(inputs)
    assert not result.requires_grad


def test_numpy_backed_tensors_share_memory_with_the_result():
    array = np.zeros((6, 10), dtype=np.float32)
    out = torch.from_numpy(array)
    compute_advantage(*random_inputs((6, 10), seed=9), out, *SCALARS, "cpu")
    assert np.abs(array).sum() > 0


@pytest.mark.parametrize(
    ("mutate", "error", "match"),
    [
        (lambda t: t.double(), TypeError, "rewards must be float32"),
        (lambda t: t[0], ValueError, "rewards must be 2-D"),
        (lambda t: t[:, :-1], ValueError, r"rewards has shape \[4, 7\], but values has \[4, 8\]"),
        (lambda t: t.numpy(), TypeError, "rewards must be a torch.Tensor"),
    ],
)
def test_bad_tensor_is_refused_with_its_name(mutate, error, match):
    values, rewards, dones, ratio = random_inputs((4, 8), seed=10)
    with pytest.raises(error, match=match):
        compute_advantage(values, mutate(rewards), dones, ratio, torch.zeros(4, 8), *SCALARS, "cpu")


@pytest.mark.parametrize(
    ("scalars", "match"),
    [
        ((float("nan"), 0.9, 1.0, 1.0), "gamma must be a finite number"),
        ((0.9, float("inf"), 1.0, 1.0), "gae_lambda must be a finite number"),
        ((0.9, 0.9, 0.0, 1.0), "vtrace_rho_clip and vtrace_c_clip must be > 0"),
        ((0.9, 0.9, 1.0, -1.0), "vtrace_rho_clip and vtrace_c_clip must be > 0"),
        ((0.9, 0.9, "1", 1.0), "vtrace_rho_clip must be a finite number"),
    ],
)
def test_bad_scalar_is_refused_with_its_name(scalars, match):
    inputs = random_inputs((2, 3), seed=11)
    with pytest.raises(ValueError, match=match):
        compute_advantage(*inputs, torch.zeros(2, 3), *scalars, "cpu")


def test_numpy_and_zero_dim_tensor_scalars_are_numbers():
    inputs = random_inputs((3, 6), seed=13)
    expected = native(inputs)
    scalars = (np.float32(SCALARS[0]), torch.tensor(SCALARS[1]), np.float64(1.0), 1)
    torch.testing.assert_close(native(inputs, scalars), expected)


def test_lazily_negated_inputs_are_read_as_their_values():
    inputs = random_inputs((4, 9), seed=14)
    negated = inputs[1].neg().conj()  # a view whose negation torch keeps lazy on some builds
    expected = native([inputs[0], -inputs[1], inputs[2], inputs[3]])
    torch.testing.assert_close(native([inputs[0], negated, inputs[2], inputs[3]]), expected)


def test_float64_default_dtype_does_not_change_the_temporary_output():
    inputs = random_inputs((6, 10), seed=15)
    expected = native(inputs)
    out = torch.zeros(10, 6).t()  # non-contiguous: the result goes through a temporary
    previous = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        compute_advantage(*inputs, out, *SCALARS, "cpu")
    finally:
        torch.set_default_dtype(previous)
    torch.testing.assert_close(out, expected)


def test_binding_refuses_arrays_it_cannot_write_or_read():
    from metta.rl import _advantage  # noqa: PLC0415

    good = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="rewards: expected a numpy float32 array"):
        _advantage.compute_cpu(good, good.astype(np.float64), good, good, good, 0.9, 0.9, 1, 1)
    with pytest.raises(ValueError, match=r"dones: expected shape \[2, 3\]"):
        _advantage.compute_cpu(good, good, np.zeros((3, 2), np.float32), good, good, 0.9, 0.9, 1, 1)
    transposed = np.zeros((3, 2), np.float32).T
    with pytest.raises(ValueError, match="advantages: expected a C-contiguous array"):
        _advantage.compute_cpu(good, good, good, good, transposed, 0.9, 0.9, 1, 1)
    read_only = np.zeros((2, 3), dtype=np.float32)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="advantages: expected a writeable array"):
        _advantage.compute_cpu(good, good, good, good, read_only, 0.9, 0.9, 1, 1)


def test_missing_native_module_falls_back_to_reference_and_says_so(monkeypatch, caplog):
    monkeypatch.setattr(advantage_module, "_native", None)
    monkeypatch.setattr(advantage_module, "_logged_paths", set())
    inputs = random_inputs((5, 7), seed=12)
    with caplog.at_level(logging.INFO, logger="metta.rl.advantage"):
        first = native(inputs)
        native(inputs)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["compute_advantage: PyTorch reference on cpu"]
    torch.testing.assert_close(first, compute_advantage_reference(*inputs, *SCALARS))


cuda = pytest.mark.skipif(
    not (torch.cuda.is_available() and "cuda" in native_backends()),
    reason="needs a CUDA GPU and the native CUDA backend",
)


@cuda
@pytest.mark.cuda
@pytest.mark.parametrize("shape", SHAPES)
def test_cuda_matches_cpu(shape):
    inputs = random_inputs(shape, seed=shape[0] + shape[1])
    expected = native(inputs)
    result = native([t.cuda() for t in inputs], device="cuda")
    assert result.is_cuda
    torch.testing.assert_close(result.cpu(), expected, rtol=1e-5, atol=1e-5)


@cuda
@pytest.mark.cuda
def test_cuda_runs_on_the_current_stream_and_mixed_devices_are_moved():
    inputs = random_inputs((300, 64), seed=13)
    expected = native(inputs)
    stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):
        cuda_inputs = [t.cuda() for t in inputs]
        out = torch.zeros(300, 64, device="cuda")
        compute_advantage(*cuda_inputs, out, *SCALARS, "cuda")
    stream.synchronize()
    torch.testing.assert_close(out.cpu(), expected, rtol=1e-5, atol=1e-5)
    cpu_out = torch.zeros(300, 64)
    compute_advantage(cuda_inputs[0], *inputs[1:], cpu_out, *SCALARS, "cuda")
    torch.testing.assert_close(cpu_out, expected, rtol=1e-5, atol=1e-5)
