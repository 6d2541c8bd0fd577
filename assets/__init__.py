"""Package data: scenario presets (scenarios/), model files (models/), example programs
(programs/). Read with importlib.resources.files("parasim.assets")."""
