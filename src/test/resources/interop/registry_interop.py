"""Third-party side of the interop test: Confluent's Python SchemaRegistryClient and the Apache
Avro Python decoder/encoder, driven by PythonInteropTest. One command per run; input on stdin,
one JSON object on stdout.

  register URL SUBJECT     stdin: schema text          -> {"id": N}
  lookup   URL SUBJECT     stdin: schema text          -> {"id": N, "version": V, "subject": S}
  get      URL ID                                      -> {"schema": text}
  decode   URL             stdin: hex of wire bytes    -> {"schema_id": N, "record": {...}}
  encode   URL SUBJECT     stdin: {"schema": text, "record": {...}} -> {"id": N, "hex": wire bytes}
"""
import io
import json
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient


def plain_avro_schema(schema_text):
    """The schema without logicalType annotations: python-avro then reads and writes timestamps
    as the plain longs they are on the wire, so values compare as epoch millis on both sides."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "logicalType"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return avro.schema.parse(json.dumps(strip(json.loads(schema_text))))


def to_json(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def main(argv):
    command, url = argv[1], argv[2]
    client = SchemaRegistryClient({"url": url})
    if command == "register":
        return {"id": client.register_schema(argv[3], Schema(sys.stdin.read(), "AVRO"))}
    if command == "lookup":
        found = client.lookup_schema(argv[3], Schema(sys.stdin.read(), "AVRO"))
        return {"id": found.schema_id, "version": found.version, "subject": found.subject}
    if command == "get":
        return {"schema": client.get_schema(int(argv[3])).schema_str}
    if command == "decode":
        wire = bytes.fromhex(sys.stdin.read().strip())
        magic, schema_id = struct.unpack(">bI", wire[:5])
        if magic != 0:
            raise ValueError("magic byte %d" % magic)
        writer = plain_avro_schema(client.get_schema(schema_id).schema_str)
        body = io.BytesIO(wire[5:])
        record = avro.io.DatumReader(writer).read(avro.io.BinaryDecoder(body))
        if body.tell() != len(wire) - 5:
            raise ValueError("%d trailing bytes" % (len(wire) - 5 - body.tell()))
        return {"schema_id": schema_id, "record": to_json(record)}
    if command == "encode":
        request = json.loads(sys.stdin.read())
        schema_id = client.register_schema(argv[3], Schema(request["schema"], "AVRO"))
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, schema_id))
        avro.io.DatumWriter(plain_avro_schema(request["schema"])).write(request["record"], avro.io.BinaryEncoder(out))
        return {"id": schema_id, "hex": out.getvalue().hex()}
    raise ValueError("unknown command " + command)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv)))
