"""Training components: config, experience, advantage, losses, optimizer, trainer."""
