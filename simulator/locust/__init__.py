"""vcall calls as Locust users (``pip install 'vcall[locust]'``); see docs/load.md (Locust).

- ``bridge``: vcall's asyncio loop on a native thread, calls handed across from gevent greenlets;
- ``calls``: the calls of one Locust process, reported to Locust's statistics and vcall's;
- ``user``: ``SmartCallUser``, the Locust user class;
- ``plugin``: vcall's event listeners: command-line options, statistics sent from the workers,
  the master's summary and verdict.

This package's own import pulls in nothing: importing Locust monkey-patches the whole process
with gevent, so only ``user`` and ``plugin`` (and ``vcall.locust``, which imports them) do.
"""

__all__: list[str] = []
"""Nothing: the public name is ``vcall.locust.SmartCallUser`` (``cli/_root/locust.py``)."""
