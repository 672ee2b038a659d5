# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stored object bodies: small ones in memory, large ones spooled to a file.

Tests upload source tarballs and build exports of any size; keeping every byte in memory would
make the emulator's footprint grow with them. A blob is immutable once written, and every reader
opens its own file handle, so concurrent downloads and an overwrite of the same key do not
interfere (an overwritten file is unlinked; open handles keep reading the old bytes).
"""

import os
import tempfile

SPOOL_THRESHOLD = 4 * 1024 * 1024
READ_CHUNK = 64 * 1024


class Blob:
    """Immutable bytes, either in memory or in a private temporary file."""

    def __init__(self, data=b'', path=None, size=None):
        self._data = data
        self._path = path
        self.size = len(data) if size is None else size

    def head(self, length):
        """The first ``length`` bytes (for content sniffing)."""
        if self._path is None:
            return self._data[:length]
        with open(self._path, 'rb') as handle:
            return handle.read(length)

    def chunks(self, chunk_size=READ_CHUNK):
        """Iterate over the content in chunks."""
        if self._path is None:
            for offset in range(0, len(self._data), chunk_size):
                yield self._data[offset:offset + chunk_size]
            return
        with open(self._path, 'rb') as handle:
            while True:
                chunk = handle.read(chunk_size)
                if not chunk:
                    return
                yield chunk

    def read(self):
        """The whole content (for small blobs and for tests)."""
        return b''.join(self.chunks())

    def discard(self):
        """Drop the backing file (readers holding it open keep their bytes)."""
        if self._path is not None:
            try:
                os.unlink(self._path)
            except FileNotFoundError:
                pass


class BlobWriter:
    """Accumulates chunks; switches from memory to a temporary file past SPOOL_THRESHOLD."""

    def __init__(self, directory, threshold=SPOOL_THRESHOLD):
        self._directory = directory
        self._threshold = threshold
        self._buffer = bytearray()
        self._handle = None
        self._path = None
        self._size = 0

    def write(self, chunk):
        self._size += len(chunk)
        if self._handle is None:
            self._buffer += chunk
            if len(self._buffer) > self._threshold:
                descriptor, self._path = tempfile.mkstemp(prefix='object-', dir=self._directory)
                self._handle = os.fdopen(descriptor, 'wb')
                self._handle.write(self._buffer)
                self._buffer = bytearray()
        else:
            self._handle.write(chunk)

    def close(self):
        """Finish and return the Blob."""
        if self._handle is None:
            return Blob(bytes(self._buffer))
        self._handle.close()
        return Blob(path=self._path, size=self._size)

    def abort(self):
        """Throw away a partial upload."""
        if self._handle is not None:
            self._handle.close()
            os.unlink(self._path)
        self._buffer = bytearray()


async def spool(chunks, directory):
    """Store an async iterator of byte chunks (a request body) as a Blob, spooling past the threshold."""
    writer = BlobWriter(directory)
    try:
        async for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.close()
