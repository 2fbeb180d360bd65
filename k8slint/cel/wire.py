"""Protobuf wire format, read and written back field by field (wire types kept), so that a checked
expression can be changed and handed to the runtime again without the cel.expr protos."""
from __future__ import annotations


def parse(data: bytes) -> list:
    """[(field number, wire type, value)]: an int for varints, bytes for the other wire types."""
    out, pos, end = [], 0, len(data)
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unexpected wire type {wire}")
        out.append((number, wire, value))
    return out


def encode(fields: list) -> bytes:
    out = bytearray()
    for number, wire, value in fields:
        out += _encode_varint(number << 3 | wire)
        if wire == 0:
            out += _encode_varint(value)
        elif wire == 2:
            out += _encode_varint(len(value)) + value
        else:
            out += value
    return bytes(out)


def first(fields: list, number: int, default=None):
    return next((value for n, _w, value in fields if n == number), default)


def _varint(data: bytes, pos: int) -> tuple:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _encode_varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64s are ten-byte two's complement varints
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
