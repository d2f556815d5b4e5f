"""Map builders: grids of object names for the engine."""
