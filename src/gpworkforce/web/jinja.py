"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from gpworkforce import labels


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
        plural=labels.plural,  # "1 practice", "2 practices" (the labels catalogue)
    )
    # dates as people write them: {{ d | date_text }} "30 September 2017",
    # {{ t | datetime_text }} "30 September 2017 09:05" (the labels catalogue)
    env.filters.update(
        date_text=labels.date_text,
        datetime_text=labels.datetime_text,
        target_what=labels.target_what,
    )
    return env


def warm_templates() -> int:
    """Compile every template now (ours and the NHS.UK macros); how many.

    Jinja compiles a template on its first use and keeps it: about 0.7 s of CPU for the first
    page a process renders (the NHS.UK header alone is 0.3 s), paid by whichever request comes
    first, and by every thread that arrives before the first compile finishes. Server
    processes call this at start-up (before forking, where they fork) instead.
    """
    from django.template import engines
    from django.template.backends.jinja2 import Jinja2

    count = 0
    for engine in engines.all():
        if isinstance(engine, Jinja2):
            env = engine.env
            names = env.list_templates(filter_func=lambda name: name.endswith(".jinja"))
            for name in names:
                env.get_template(name)
            count += len(names)
    return count
