"""Evaluation: simulations of a policy on named environments, and their stats database."""
