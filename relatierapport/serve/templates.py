"""Compiled templates kept from one preview build to the next.

Every build makes a fresh Jinja2 environment, which compiles each template it renders
again: for a small project that is most of a rebuild (measured: ~80 % of a 3-relation HTML
build). A preview builds many times in one process, so it lends each build's environment
one in-memory bytecode cache through the public ``prepare_jinja_env`` hook (a plugin given
in code, ``TEMPLATE_CACHE_PLUGIN``).

A compiled template is reused only for the same template name, file, source text (Jinja2's
checksum: an edited template is compiled again) and environment settings that change what
compiling makes (the environment class, extensions, syntax options, filters and tests, and the
report language, whose fixed texts are translated when a template is compiled), so
the pages are byte-identical to a build without it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import jinja2
from jinja2.bccache import Bucket

from relatierapport import hookimpl
from relatierapport.render.template_cache import environment_fingerprint

#: Compiled templates kept, the least recently used dropped first (a project has ~40).
LIMIT = 512


class TemplateCache(jinja2.BytecodeCache):
    """Jinja2 bytecode in memory, keyed by template and environment settings (thread-safe)."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self._store: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        key = hashlib.sha256(repr((name, filename, environment_fingerprint(environment))).encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            data = self._store.get(bucket.key)
            if data is not None:
                self._store.move_to_end(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)     # resets itself when the checksum differs
        if bucket.code is None:
            self.misses += 1
        else:
            self.hits += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data
            self._store.move_to_end(bucket.key)
            while len(self._store) > self.limit:
                self._store.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


class TemplateCachePlugin:
    """Gives every build's environment the same ``TemplateCache``."""

    def __init__(self, cache: TemplateCache):
        self.cache = cache

    @hookimpl
    def prepare_jinja_env(self, env, config):
        env.bytecode_cache = self.cache


#: The name the plugin is registered under (in the preview's builds only).
TEMPLATE_CACHE_PLUGIN = "serve_template_cache"
