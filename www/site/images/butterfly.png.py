#!/usr/bin/env python3
"""Writes butterfly.png: a 64x64 RGB image of the butterfly curve.

The PNG is committed so that serving and testing need no Python; this
script is how it was made, with the standard library only (zlib for the
IDAT stream, zlib.crc32 for the chunk checksums).  Run it from this
directory; its output is byte for byte the same on every run.
"""
import math
import struct
import zlib

SIZE = 64
STEPS = 20000
BACKGROUND = (255, 255, 255)


def chunk(kind, data):
    body = kind + data
    return (struct.pack(">I", len(data)) + body +
            struct.pack(">I", zlib.crc32(body) & 0xffffffff))


def curve():
    for i in range(STEPS):
        t = i * 12 * math.pi / STEPS
        r = (math.exp(math.cos(t)) - 2 * math.cos(4 * t) -
             math.sin(t / 12) ** 5)
        yield i, math.sin(t) * r, -math.cos(t) * r


def main():
    pixels = [[BACKGROUND] * SIZE for _ in range(SIZE)]
    # The curve spans about x in [-2.91, 2.91] and y in [-3.13, 1.81].
    scale = (SIZE - 4) / 5.9
    for i, x, y in curve():
        px = int(round(SIZE / 2 + scale * x))
        py = int(round(SIZE / 2 + scale * (y + 0.66)))
        if 0 <= px < SIZE and 0 <= py < SIZE:
            hue = 2 * math.pi * i / STEPS
            pixels[py][px] = tuple(
                int(127 + 100 * math.cos(hue + k * 2 * math.pi / 3))
                for k in range(3))
    raw = b"".join(b"\0" + bytes(c for p in row for c in p)
                   for row in pixels)
    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 9)) +
           chunk(b"IEND", b""))
    with open("butterfly.png", "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
