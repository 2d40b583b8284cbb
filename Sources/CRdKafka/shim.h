// rdkafka_mock.h uses types that rdkafka.h declares, so the order matters.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
