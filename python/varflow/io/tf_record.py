"""TFRecord files (``tf.io.TFRecordWriter``, ``tf.io.tf_record_iterator``), TF1's format.

A record is ``uint64 length``, ``uint32 masked_crc32c(length)``, ``data``, ``uint32
masked_crc32c(data)``, little-endian. TensorBoard reads its event files through
``tf.compat.v1.io.tf_record_iterator`` when ``tensorflow`` resolves to varflow. Checksums are
computed in Python, which is fine for event files and slow for large data sets.
"""

from __future__ import annotations

import gzip
import struct
import zlib

from varflow import errors
from varflow.compat import as_bytes
from varflow.file_io import _io_error, _local


def _make_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def crc32c(data: bytes) -> int:
    """Computes the CRC-32C (Castagnoli) checksum of `data`, the checksum of TFRecord files.

    Args:
      data: The bytes to checksum.

    Returns:
      The checksum, an int in `[0, 2**32)`.
    """
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """Computes TFRecord's masked CRC-32C of `data` (the CRC rotated and offset).

    Args:
      data: The bytes to checksum.

    Returns:
      The masked checksum, an int in `[0, 2**32)`.
    """
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


class TFRecordCompressionType:
    """The type of compression for the record: NONE, ZLIB or GZIP."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """The compression of a TFRecord file: None/"" (none), "ZLIB" or "GZIP"."""

    compression_type_map = {
        TFRecordCompressionType.ZLIB: "ZLIB",
        TFRecordCompressionType.GZIP: "GZIP",
        TFRecordCompressionType.NONE: "",
    }

    def __init__(self, compression_type=None, **unused_zlib_options):
        """Creates a `TFRecordOptions` instance.

        Args:
          compression_type: `"GZIP"`, `"ZLIB"`, or `""` (no compression), or a
            `TFRecordCompressionType` value.
          **unused_zlib_options: TF1's zlib tuning options, accepted and ignored.

        Raises:
          ValueError: If compression_type is invalid.
        """
        if compression_type is None:
            compression_type = ""
        if isinstance(compression_type, int):
            compression_type = self.compression_type_map[compression_type]
        if compression_type not in ("", "ZLIB", "GZIP"):
            raise ValueError(f'Unsupported compression type "{compression_type}"')
        self.compression_type = compression_type

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        """Convert various option types to a unified string.

        Args:
          options: `TFRecordOption`, `TFRecordCompressionType`, or string.

        Returns:
          Compression type as string (e.g. `'ZLIB'`, `'GZIP'`, or `''`).

        Raises:
          ValueError: If compression_type is invalid.
        """
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return cls(options).compression_type


def _open(path, mode, compression):
    local = _local(path)
    try:
        raw = open(local, mode)  # noqa: SIM115, PTH123 - closed by the caller
    except OSError as e:
        raise _io_error(local, e) from None
    if compression == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode=mode), raw
    return raw, raw


class _ZlibReader:
    def __init__(self, raw):
        self._raw = raw
        self._z = zlib.decompressobj()
        self._buf = b""

    def read(self, n):
        while len(self._buf) < n:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                self._buf += self._z.flush()
                break
            self._buf += self._z.decompress(chunk)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out


def tf_record_iterator(path, options=None):
    """An iterator that read the records from a TFRecords file.

    A corrupt record raises `DataLossError` ("corrupted record at <offset>"), a cut-off one
    "truncated record at <offset>", as TF 1.15's reader does.

    Args:
      path: The path to the TFRecords file.
      options: (optional) A TFRecordOptions object.

    Yields:
      Strings.

    Raises:
      IOError: If `path` cannot be opened for reading.
      DataLossError: If a record is corrupt or truncated.
    """
    compression = TFRecordOptions.get_compression_type_string(options)
    stream, raw = _open(path, "rb", compression)
    reader = _ZlibReader(raw) if compression == "ZLIB" else stream
    offset = 0
    try:
        while True:
            header = reader.read(12)
            if not header:
                return
            if len(header) < 12:
                raise errors.DataLossError(None, None, f"truncated record at {offset}")
            (length,) = struct.unpack("<Q", header[:8])
            (length_crc,) = struct.unpack("<I", header[8:])
            if masked_crc32c(header[:8]) != length_crc:
                raise errors.DataLossError(None, None, f"corrupted record at {offset}")
            # TF1 names the data's own offset, except when the data is missing altogether.
            body = reader.read(length + 4)
            if len(body) < length + 4:
                at = offset + 12 if body else offset
                raise errors.DataLossError(None, None, f"truncated record at {at}")
            data = body[:length]
            (data_crc,) = struct.unpack("<I", body[length:])
            if masked_crc32c(data) != data_crc:
                raise errors.DataLossError(None, None, f"corrupted record at {offset + 12}")
            yield data
            offset += 12 + length + 4
    finally:
        stream.close()
        if raw is not stream:
            raw.close()


class TFRecordWriter:
    """Writes records to a TFRecord file (created or truncated at once, as TF1's)."""

    def __init__(self, path, options=None):
        """Opens file `path` and creates a `TFRecordWriter` writing to it.

        The file is created (or truncated) at once, as TF1's.

        Args:
          path: The path to the TFRecords file.
          options: (optional) String specifying compression type, `TFRecordCompressionType`,
            or `TFRecordOptions` object.

        Raises:
          IOError: If `path` cannot be opened for writing.
          ValueError: If valid compression_type can't be determined from `options`.
        """
        self._compression = TFRecordOptions.get_compression_type_string(options)
        self._stream, self._raw = _open(path, "wb", self._compression)
        self._z = zlib.compressobj() if self._compression == "ZLIB" else None
        self._closed = False

    def _put(self, data: bytes) -> None:
        if self._z is not None:
            data = self._z.compress(data)
        self._stream.write(data)

    def write(self, record) -> None:
        """Write a string record to the file.

        Args:
          record: str

        Raises:
          FailedPreconditionError: If the writer is closed.
        """
        if self._closed:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        record = as_bytes(record)
        length = struct.pack("<Q", len(record))
        self._put(length + struct.pack("<I", masked_crc32c(length)))
        self._put(record + struct.pack("<I", masked_crc32c(record)))

    def flush(self) -> None:
        """Flush the file."""
        if self._z is not None:
            self._stream.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._stream.flush()

    def close(self) -> None:
        """Close the file."""
        if self._closed:
            return
        if self._z is not None:
            self._stream.write(self._z.flush())
        self._stream.close()
        if self._raw is not self._stream:
            self._raw.close()
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *unused):
        self.close()
