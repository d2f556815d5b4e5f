"""MettaGrid: the native gridworld engine, its configs, maps, curricula and Python face."""
