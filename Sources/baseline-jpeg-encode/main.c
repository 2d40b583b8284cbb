// The baseline `make bench` holds image-loadgen's fresh encoding against: libjpeg alone, encoding distinct RGB
// images into memory on T threads for S seconds. Each image is a copied gradient with its index written into the
// first row, so almost all the time goes to libjpeg.
//
//   baseline-jpeg-encode WIDTH HEIGHT QUALITY THREADS SECONDS
// prints one line: {"images": N, "seconds": S, "rate": R, "threads": T}
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>

static int width, height, quality;
static double deadline;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *encode_loop(void *argument) {
    long thread = (long)argument;
    long *encoded = malloc(sizeof(long));
    *encoded = 0;
    size_t bytes = (size_t)width * height * 3;
    uint8_t *background = malloc(bytes);
    uint8_t *pixels = malloc(bytes);
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            uint8_t *pixel = background + ((size_t)y * width + x) * 3;
            pixel[0] = (uint8_t)(x * 3);
            pixel[1] = (uint8_t)(y * 5);
            pixel[2] = (uint8_t)(x ^ y);
        }
    }
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr error;
    cinfo.err = jpeg_std_error(&error);
    jpeg_create_compress(&cinfo);
    unsigned char *output = NULL;
    unsigned long size = 0;
    for (uint64_t index = (uint64_t)thread; now_seconds() < deadline; index += 64) {
        memcpy(pixels, background, bytes);
        memcpy(pixels, &index, sizeof(index) < bytes ? sizeof(index) : bytes);
        jpeg_mem_dest(&cinfo, &output, &size);
        cinfo.image_width = (JDIMENSION)width;
        cinfo.image_height = (JDIMENSION)height;
        cinfo.input_components = 3;
        cinfo.in_color_space = JCS_RGB;
        jpeg_set_defaults(&cinfo);
        jpeg_set_quality(&cinfo, quality, TRUE);
        jpeg_start_compress(&cinfo, TRUE);
        while (cinfo.next_scanline < cinfo.image_height) {
            JSAMPROW row = pixels + (size_t)cinfo.next_scanline * width * 3;
            jpeg_write_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_compress(&cinfo);
        (*encoded)++;
    }
    free(output);
    jpeg_destroy_compress(&cinfo);
    free(pixels);
    free(background);
    return encoded;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s WIDTH HEIGHT QUALITY THREADS SECONDS\n", argv[0]);
        return 64;
    }
    width = atoi(argv[1]);
    height = atoi(argv[2]);
    quality = atoi(argv[3]);
    int threads = atoi(argv[4]);
    double seconds = atof(argv[5]);
    pthread_t *workers = calloc(threads, sizeof(pthread_t));
    double start = now_seconds();
    deadline = start + seconds;
    for (long i = 0; i < threads; i++) pthread_create(&workers[i], NULL, encode_loop, (void *)i);
    long total = 0;
    for (int i = 0; i < threads; i++) {
        void *result;
        pthread_join(workers[i], &result);
        total += *(long *)result;
        free(result);
    }
    double elapsed = now_seconds() - start;
    printf("{\"images\": %ld, \"seconds\": %.3f, \"rate\": %.1f, \"threads\": %d}\n", total, elapsed, total / elapsed,
           threads);
    return 0;
}
