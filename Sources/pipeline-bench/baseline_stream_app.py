"""The baseline stream app of `make bench`: inference-app's job written the way a Python user would write it.

confluent-kafka consumer and producer, `requests` with one keep-alive session per worker thread to the same TF
Serving REST API, the same topics and headers, batches of images per request, at-least-once: a consumed batch is
committed only after every output of it was acknowledged (flush), so a crash redoes work and never loses it.

    baseline_stream_app.py BOOTSTRAP INPUT OUTPUT GROUP MODEL_URL [CONCURRENCY] [BATCH_SIZE]

Runs until SIGTERM, then commits what was produced and leaves the group.
"""

import base64
import json
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from confluent_kafka import Consumer, Producer


def main():
    bootstrap, input_topic, output_topic, group, model_url = sys.argv[1:6]
    concurrency = int(sys.argv[6]) if len(sys.argv) > 6 else 32
    batch_size = int(sys.argv[7]) if len(sys.argv) > 7 else 8
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "fetch.wait.max.ms": 10,
    })
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
    consumer.subscribe([input_topic])
    local = threading.local()

    def session():
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def predict(messages):
        body = {"instances": [{"b64": base64.b64encode(m.value()).decode()} for m in messages]}
        for attempt in range(5):
            try:
                response = session().post(model_url, json=body, timeout=10)
                if response.status_code < 500:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1 * 2 ** attempt)
        if response.status_code != 200:
            return [None] * len(messages)
        return response.json()["predictions"]

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        while not stopping.is_set():
            messages = [m for m in consumer.consume(num_messages=concurrency * batch_size, timeout=0.1) if not m.error()]
            if not messages:
                continue
            chunks = [messages[i:i + batch_size] for i in range(0, len(messages), batch_size)]
            for chunk, rows in zip(chunks, pool.map(predict, chunks)):
                for message, row in zip(chunk, rows):
                    headers = [(k, v) for k, v in (message.headers() or []) if k != "content-type"]
                    headers += [("content-type", b"application/json"),
                                ("predicted-at-us", str(int(time.time() * 1e6)).encode()),
                                ("source-partition", str(message.partition()).encode()),
                                ("source-offset", str(message.offset()).encode())]
                    if row is None:
                        producer.produce("pipeline-dlq", key=message.key(), value=message.value(), headers=headers)
                        continue
                    ranked = sorted(zip(row["labels"], row["scores"]), key=lambda p: -p[1])[:5]
                    image_id = dict(message.headers() or []).get("image-id", b"").decode()
                    value = json.dumps({"image_id": image_id, "model": {"name": "image-classifier", "version": "1"},
                                        "predictions": [{"label": l, "score": s} for l, s in ranked]})
                    producer.produce(output_topic, key=message.key(), value=value, headers=headers)
                producer.poll(0)
            producer.flush()
            consumer.commit(asynchronous=False)
    consumer.close()


if __name__ == "__main__":
    main()
