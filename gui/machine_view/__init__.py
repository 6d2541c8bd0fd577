"""The Machine tab: the run's machine animated at the playhead."""
