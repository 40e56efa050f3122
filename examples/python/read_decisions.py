#!/usr/bin/env python3
"""Reads PairDecision records from the decisions topic (read_committed: only what the scorer's
transactions committed) and prints each as one JSON line: pairId, score, same, threshold, model
name and version, head, scoredAt, eventTime. Stops after --count decisions or --timeout seconds.

  read_decisions.py --bootstrap localhost:9092 --registry-url http://localhost:8081 --count 100
"""
import argparse
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.schema_registry import SchemaRegistryClient

from simstream_avro import WireDeserializer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--registry-url", required=True)
    ap.add_argument("--topic", default="decisions")
    ap.add_argument("--group", default=None, help="consumer group (default: a new one, reading from the beginning)")
    ap.add_argument("--count", type=int, default=0, help="stop after this many (0: until --timeout)")
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()

    deserialize = WireDeserializer(SchemaRegistryClient({"url": args.registry_url}))
    consumer = Consumer({"bootstrap.servers": args.bootstrap,
                         "group.id": args.group or "simstream-example-" + uuid.uuid4().hex[:8],
                         "auto.offset.reset": "earliest", "isolation.level": "read_committed",
                         "enable.auto.commit": True})
    consumer.subscribe([args.topic])
    seen = 0
    deadline = time.time() + args.timeout
    try:
        while time.time() < deadline and (args.count == 0 or seen < args.count):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                print("consumer error: %s" % msg.error(), file=sys.stderr)
                return 1
            decision = deserialize(msg.value())
            print(json.dumps(decision), flush=True)
            seen += 1
    finally:
        consumer.close()
    if args.count and seen < args.count:
        print("only %d of %d decisions within %.0f s" % (seen, args.count, args.timeout), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
