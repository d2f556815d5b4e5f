"""Shared utilities: profiling timers and run bookkeeping used by the training stack."""
