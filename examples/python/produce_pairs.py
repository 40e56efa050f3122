#!/usr/bin/env python3
"""Produces VectorPair records to the pairs topic, keyed by pair id, the way any client in any
language can feed simstream: Avro in the Confluent wire format, schema registered under
<topic>-value. Prints one JSON line: {"sent": N, "schema_id": ID, "ids": [...]}.

  produce_pairs.py --bootstrap localhost:9092 --registry-url http://localhost:8081 --count 100 --dim 200
"""
import argparse
import json
import random
import sys
import time

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient

from simstream_avro import WireSerializer, schema_text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--registry-url", required=True)
    ap.add_argument("--topic", default="pairs")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--dim", type=int, required=True, help="vector length of each side (the model's input dimension)")
    ap.add_argument("--id-prefix", default="py-")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    registry = SchemaRegistryClient({"url": args.registry_url})
    serialize = WireSerializer(registry, args.topic + "-value", schema_text("VectorPair"))
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True, "linger.ms": 5})
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(str(err))

    rnd = random.Random(args.seed)
    ids = []
    for i in range(args.count):
        pair_id = "%s%d" % (args.id_prefix, i)
        left = [rnd.gauss(0, 1) for _ in range(args.dim)]
        # Every other pair: the right side a small perturbation of the left ("same"-ish).
        right = [x + rnd.gauss(0, 0.05) for x in left] if i % 2 == 0 else [rnd.gauss(0, 1) for _ in range(args.dim)]
        record = {"id": pair_id, "left": left, "right": right, "eventTime": int(time.time() * 1000),
                  "attributes": {"client": "confluent-kafka-python"}}
        producer.produce(args.topic, key=pair_id.encode("utf-8"), value=serialize(record), on_delivery=delivered)
        producer.poll(0)
        ids.append(pair_id)
    remaining = producer.flush(30)
    if remaining or failures:
        print("not delivered: %d pending, errors %s" % (remaining, failures[:3]), file=sys.stderr)
        return 1
    print(json.dumps({"sent": len(ids), "schema_id": serialize.schema_id, "ids": ids}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
