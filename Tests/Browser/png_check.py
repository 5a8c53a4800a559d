"""Decodes a PNG screenshot (8-bit RGB or RGBA, non-interlaced, as Chromium writes them) with the
standard library only, and measures it: size, distinct colours (sampled) and the share of pixels
that are not the page background. Used by the browser scripts to report on their screenshots."""

import struct
import zlib


def measure(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos = 8
    idat = []
    width = height = None
    bit_depth = colour = interlace = None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, bit_depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if bit_depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("%s: unsupported PNG (depth %s, colour type %s, interlace %s)" % (path, bit_depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    previous = bytearray(stride)
    rows = []
    offset = 0
    for _ in range(height):
        kind = raw[offset]
        line = bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 255
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        rows.append(line)
        previous = line
    background = tuple(rows[height - 1][stride - bpp : stride - bpp + 3])
    colours = set()
    other = 0
    samples = 0
    for y in range(0, height, 4):
        line = rows[y]
        for x in range(0, width, 4):
            pixel = tuple(line[x * bpp : x * bpp + 3])
            colours.add(pixel)
            samples += 1
            if pixel != background:
                other += 1
    return {"path": path, "width": width, "height": height, "colours": len(colours), "non_background": other / max(samples, 1)}
