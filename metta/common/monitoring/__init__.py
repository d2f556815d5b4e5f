"""Resource monitors for long training runs: system sampling and object memory accounting."""

from metta.common.monitoring.memory_monitor import MemoryMonitor
from metta.common.monitoring.system_monitor import SystemMonitor

__all__ = ["MemoryMonitor", "SystemMonitor"]
