"""The model zoo: every built-in model by name, and a model by name or file.

``MODELS`` gathers :mod:`sim.nn.zoo_classic` (alexnet ... googlenet),
:mod:`sim.nn.zoo_extra` (vgg13 ... convnext_tiny) and
:mod:`sim.nn.zoo_transformers` (BERT, GPT-2, Llama-2 shapes, ViT-B/16).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .graph import Model
from .modelfile import load_model_file
from .zoo_classic import MODELS as CLASSIC
from .zoo_classic import basic_block, bottleneck_block
from .zoo_extra import MODELS as EXTRA
from .zoo_transformers import ALIASES
from .zoo_transformers import MODELS as TRANSFORMERS

MODELS: dict[str, Callable[..., Model]] = {**CLASSIC, **EXTRA, **TRANSFORMERS}


def get_model(name: str) -> Model:
    """A zoo model by name; ``KeyError`` with the known names otherwise."""
    key = name.lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in MODELS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return MODELS[key]()


def load_model(spec: str | Path) -> Model:
    """A zoo model name, or a path to a TOML/JSON model file (see :mod:`sim.nn.modelfile`)."""
    path = Path(spec)
    if isinstance(spec, Path) or path.suffix.lower() in (".toml", ".json") or path.is_file():
        return load_model_file(path)
    return get_model(str(spec))


__all__ = ["MODELS", "basic_block", "bottleneck_block", "get_model", "load_model"]
