"""Profiling helpers: the named-timer Stopwatch."""
