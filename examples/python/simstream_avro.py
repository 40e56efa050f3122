"""Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) with python3-avro
and Confluent's SchemaRegistryClient. Confluent's own AvroSerializer would do this, but it needs
fastavro, which Debian does not package; this module is the ~40 lines it takes without it."""
import io
import json
import os
import struct

import avro.io
import avro.schema
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")


def schema_text(name):
    """The project's .avsc (e.g. "VectorPair"), as released with this checkout."""
    with open(os.path.join(SCHEMAS, name + ".avsc"), encoding="utf-8") as f:
        return f.read()


def _plain(schema_json):
    """python-avro 1.11 wants datetime objects for timestamp-millis; without the logicalType
    annotation it reads and writes the plain epoch-millis longs that are on the wire."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "logicalType"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return avro.schema.parse(json.dumps(strip(json.loads(schema_json))))


class WireSerializer:
    """Registers (or finds) the writer schema under SUBJECT once, then encodes records."""

    def __init__(self, registry: SchemaRegistryClient, subject: str, schema_json: str):
        self.schema_id = registry.register_schema(subject, Schema(schema_json, "AVRO"))
        self._writer = avro.io.DatumWriter(_plain(schema_json))

    def __call__(self, record: dict) -> bytes:
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, self.schema_id))
        self._writer.write(record, avro.io.BinaryEncoder(out))
        return out.getvalue()


class WireDeserializer:
    """Decodes with the writer schema named by each record's id (fetched once per id)."""

    def __init__(self, registry: SchemaRegistryClient):
        self._registry = registry
        self._readers = {}

    def __call__(self, wire: bytes) -> dict:
        magic, schema_id = struct.unpack(">bI", wire[:5])
        if magic != 0:
            raise ValueError("not Confluent wire format: magic byte %d" % magic)
        reader = self._readers.get(schema_id)
        if reader is None:
            reader = avro.io.DatumReader(_plain(self._registry.get_schema(schema_id).schema_str))
            self._readers[schema_id] = reader
        return reader.read(avro.io.BinaryDecoder(io.BytesIO(wire[5:])))
