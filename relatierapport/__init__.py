"""relatierapport: monthly relationship-management reports from relation data.

Plugins import ``hookimpl`` from here to mark their hook implementations.
"""

import pluggy

__version__ = "0.1.0"

#: Marks a function in a plugin module as an implementation of a hook.
hookimpl = pluggy.HookimplMarker("relatierapport")

__all__ = ["hookimpl", "__version__"]
