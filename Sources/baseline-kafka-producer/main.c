// The baseline `make bench` holds image-loadgen against: a plain C librdkafka producer sending the same JPEG files
// as fast as it can, with the settings image-loadgen uses (idempotence, linger.ms=5, no compression, copied payloads)
// and the same kind of message: the image id as key and five headers of the same sizes. It serves delivery reports
// the way a C programmer would: every few thousand messages, and when the queue is full, not after every send.
//
//   baseline-kafka-producer BOOTSTRAP TOPIC COUNT FILE...
// prints one line: {"messages": N, "seconds": S, "rate": R, "failed": F}
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long failed = 0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    (void)opaque;
    if (message->err) failed++;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT FILE...\n", argv[0]);
        return 64;
    }
    long count = atol(argv[3]);
    int files = argc - 4;
    char **payloads = calloc(files, sizeof(char *));
    size_t *sizes = calloc(files, sizeof(size_t));
    for (int i = 0; i < files; i++) {
        FILE *file = fopen(argv[4 + i], "rb");
        if (!file) {
            fprintf(stderr, "cannot open %s\n", argv[4 + i]);
            return 1;
        }
        fseek(file, 0, SEEK_END);
        sizes[i] = (size_t)ftell(file);
        fseek(file, 0, SEEK_SET);
        payloads[i] = malloc(sizes[i]);
        if (fread(payloads[i], 1, sizes[i], file) != sizes[i]) return 1;
        fclose(file);
    }

    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *settings[][2] = {
        {"bootstrap.servers", argv[1]}, {"enable.idempotence", "true"}, {"linger.ms", "5"}, {"compression.type", "none"}};
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], error, sizeof(error)) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "%s\n", error);
            return 1;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    if (!producer) {
        fprintf(stderr, "%s\n", error);
        return 1;
    }
    rd_kafka_topic_t *topic = rd_kafka_topic_new(producer, argv[2], NULL);

    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        char key[24];
        int key_length = snprintf(key, sizeof(key), "%ld", i);
        int index = (int)(i % files);
        char now[24];
        int now_length = snprintf(now, sizeof(now), "%ld", (long)(now_seconds() * 1e6));
        rd_kafka_resp_err_t err;
        while ((err = rd_kafka_producev(
                    producer, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_VALUE(payloads[index], sizes[index]), RD_KAFKA_V_KEY(key, (size_t)key_length),
                    RD_KAFKA_V_HEADER("image-id", key, key_length),
                    RD_KAFKA_V_HEADER("run-id", "5b0f7c3e-2a41-4c1e-9f7e-1d2c3b4a5f60", 36),
                    RD_KAFKA_V_HEADER("scheduled-at-us", now, now_length), RD_KAFKA_V_HEADER("sent-at-us", now, now_length),
                    RD_KAFKA_V_HEADER("content-type", "image/jpeg", 10), RD_KAFKA_V_END)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err));
                return 1;
            }
            rd_kafka_poll(producer, 1);
        }
        if (i % 4096 == 4095) rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 60000);
    double seconds = now_seconds() - start;
    printf("{\"messages\": %ld, \"seconds\": %.3f, \"rate\": %.1f, \"failed\": %ld}\n", count, seconds, count / seconds,
           failed);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(producer);
    return failed == 0 ? 0 : 1;
}
