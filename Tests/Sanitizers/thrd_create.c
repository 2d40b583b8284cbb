// ThreadSanitizer intercepts pthread_create but not C11's thrd_create, which glibc implements without going
// through the intercepted symbol. librdkafka starts its threads with thrd_create, so under TSan they run without
// the sanitizer's per-thread state and crash on their first malloc. `make test-sanitize` preloads this file:
// thrd_create, thrd_join and thrd_detach go through their pthread counterparts, where TSan sees them (joining
// must be seen too, or TSan's registry finds a reused thread id still alive).
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

struct start {
    thrd_start_t function;
    void *argument;
};

static void *run(void *opaque) {
    struct start start = *(struct start *)opaque;
    free(opaque);
    return (void *)(intptr_t)start.function(start.argument);
}

int thrd_create(thrd_t *thread, thrd_start_t function, void *argument) {
    struct start *start = malloc(sizeof *start);
    if (start == NULL) {
        return thrd_nomem;
    }
    start->function = function;
    start->argument = argument;
    if (pthread_create(thread, NULL, run, start) != 0) {
        free(start);
        return thrd_error;
    }
    return thrd_success;
}

int thrd_join(thrd_t thread, int *result) {
    void *value = NULL;
    if (pthread_join(thread, &value) != 0) {
        return thrd_error;
    }
    if (result != NULL) {
        *result = (int)(intptr_t)value;
    }
    return thrd_success;
}

int thrd_detach(thrd_t thread) {
    return pthread_detach(thread) == 0 ? thrd_success : thrd_error;
}
