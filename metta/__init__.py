"""Metta: the MettaGrid multi-agent gridworld and RL training components."""
