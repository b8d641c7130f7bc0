"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader


def _url(name: str, *args: object, **kwargs: object) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    loaders = [PackageLoader("gpworkforce.web", "templates"), PackageLoader("nhsuk_frontend_jinja")]
    if loader is not None:
        loaders.insert(0, loader)
    env = Environment(loader=ChoiceLoader(loaders), **options)  # noqa: S701 (autoescape is on)
    env.globals.update(
        static=static,
        url=_url,
        get_messages=get_messages,
    )
    return env
