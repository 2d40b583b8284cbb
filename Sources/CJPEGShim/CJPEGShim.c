#include "CJPEGShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

struct shim_error_manager {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int warnings;
};

static void shim_error_exit(j_common_ptr cinfo) {
    struct shim_error_manager *manager = (struct shim_error_manager *)cinfo->err;
    longjmp(manager->jump, 1);
}

// libjpeg's default prints warnings to stderr; a library must stay quiet and let the caller decide.
static void shim_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        ((struct shim_error_manager *)cinfo->err)->warnings++;
    }
}

static void shim_format_message(j_common_ptr cinfo, char message[JPEGSHIM_MESSAGE_CAPACITY]) {
    char buffer[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, buffer);
    snprintf(message, JPEGSHIM_MESSAGE_CAPACITY, "%s", buffer);
}

static void shim_install_errors(struct shim_error_manager *manager) {
    jpeg_std_error(&manager->pub);
    manager->pub.error_exit = shim_error_exit;
    manager->pub.emit_message = shim_emit_message;
}

// MARK: Encoder, with a growable destination buffer that survives between images.

struct jpegshim_encoder {
    struct jpeg_compress_struct cinfo;
    struct shim_error_manager error;
    struct jpeg_destination_mgr destination;
    uint8_t *buffer;
    size_t capacity;
};

static void destination_init(j_compress_ptr cinfo) {
    jpegshim_encoder *encoder = (jpegshim_encoder *)cinfo->client_data;
    encoder->destination.next_output_byte = encoder->buffer;
    encoder->destination.free_in_buffer = encoder->capacity;
}

static boolean destination_grow(j_compress_ptr cinfo) {
    jpegshim_encoder *encoder = (jpegshim_encoder *)cinfo->client_data;
    // libjpeg calls this only when the whole buffer is full, whatever free_in_buffer says.
    size_t used = encoder->capacity;
    size_t capacity = encoder->capacity * 2;
    uint8_t *grown = realloc(encoder->buffer, capacity);
    if (grown == NULL) {
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
    }
    encoder->buffer = grown;
    encoder->capacity = capacity;
    encoder->destination.next_output_byte = grown + used;
    encoder->destination.free_in_buffer = capacity - used;
    return TRUE;
}

static void destination_term(j_compress_ptr cinfo) { (void)cinfo; }

jpegshim_encoder *jpegshim_encoder_new(void) {
    jpegshim_encoder *encoder = calloc(1, sizeof(jpegshim_encoder));
    if (encoder == NULL) {
        return NULL;
    }
    encoder->capacity = 64 * 1024;
    encoder->buffer = malloc(encoder->capacity);
    if (encoder->buffer == NULL) {
        free(encoder);
        return NULL;
    }
    shim_install_errors(&encoder->error);
    encoder->cinfo.err = &encoder->error.pub;
    if (setjmp(encoder->error.jump)) {
        free(encoder->buffer);
        free(encoder);
        return NULL;
    }
    jpeg_create_compress(&encoder->cinfo);
    encoder->cinfo.client_data = encoder;
    encoder->destination.init_destination = destination_init;
    encoder->destination.empty_output_buffer = destination_grow;
    encoder->destination.term_destination = destination_term;
    encoder->cinfo.dest = &encoder->destination;
    return encoder;
}

void jpegshim_encoder_free(jpegshim_encoder *encoder) {
    if (encoder == NULL) {
        return;
    }
    jpeg_destroy_compress(&encoder->cinfo);
    free(encoder->buffer);
    free(encoder);
}

int jpegshim_encode_rgb(jpegshim_encoder *encoder, const uint8_t *rgb, int width, int height, int quality,
                        const uint8_t **output, size_t *output_length, char message[JPEGSHIM_MESSAGE_CAPACITY]) {
    j_compress_ptr cinfo = &encoder->cinfo;
    if (setjmp(encoder->error.jump)) {
        shim_format_message((j_common_ptr)cinfo, message);
        jpeg_abort_compress(cinfo);
        return -1;
    }
    cinfo->image_width = (JDIMENSION)width;
    cinfo->image_height = (JDIMENSION)height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    jpeg_start_compress(cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo->next_scanline * stride);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    *output = encoder->buffer;
    *output_length = encoder->capacity - encoder->destination.free_in_buffer;
    return 0;
}

// MARK: Decoder

struct jpegshim_decoder {
    struct jpeg_decompress_struct cinfo;
    struct shim_error_manager error;
    uint8_t *pixels;
    size_t capacity;
};

jpegshim_decoder *jpegshim_decoder_new(void) {
    jpegshim_decoder *decoder = calloc(1, sizeof(jpegshim_decoder));
    if (decoder == NULL) {
        return NULL;
    }
    shim_install_errors(&decoder->error);
    decoder->cinfo.err = &decoder->error.pub;
    if (setjmp(decoder->error.jump)) {
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    return decoder;
}

void jpegshim_decoder_free(jpegshim_decoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder->pixels);
    free(decoder);
}

// Reads the header; returns -1 with a message when the image has more than max_pixels pixels.
static int start_reading(jpegshim_decoder *decoder, const uint8_t *jpeg, size_t length, uint64_t max_pixels,
                         char message[JPEGSHIM_MESSAGE_CAPACITY]) {
    decoder->error.warnings = 0;
    jpeg_mem_src(&decoder->cinfo, jpeg, (unsigned long)length);
    jpeg_read_header(&decoder->cinfo, TRUE);
    uint64_t pixels = (uint64_t)decoder->cinfo.image_width * decoder->cinfo.image_height;
    if (pixels > max_pixels) {
        snprintf(message, JPEGSHIM_MESSAGE_CAPACITY, "the image is %ux%u pixels, more than the limit of %llu pixels",
                 decoder->cinfo.image_width, decoder->cinfo.image_height, (unsigned long long)max_pixels);
        jpeg_abort_decompress(&decoder->cinfo);
        return -1;
    }
    return 0;
}

int jpegshim_read_header(jpegshim_decoder *decoder, const uint8_t *jpeg, size_t length, uint64_t max_pixels,
                         int *width, int *height, char message[JPEGSHIM_MESSAGE_CAPACITY]) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->error.jump)) {
        shim_format_message((j_common_ptr)cinfo, message);
        jpeg_abort_decompress(cinfo);
        return -1;
    }
    if (start_reading(decoder, jpeg, length, max_pixels, message) != 0) {
        return -1;
    }
    *width = (int)cinfo->image_width;
    *height = (int)cinfo->image_height;
    jpeg_abort_decompress(cinfo);
    return 0;
}

int jpegshim_decode_rgb(jpegshim_decoder *decoder, const uint8_t *jpeg, size_t length, uint64_t max_pixels,
                        const uint8_t **rgb, int *width, int *height, char message[JPEGSHIM_MESSAGE_CAPACITY]) {
    j_decompress_ptr cinfo = &decoder->cinfo;
    if (setjmp(decoder->error.jump)) {
        shim_format_message((j_common_ptr)cinfo, message);
        jpeg_abort_decompress(cinfo);
        return -1;
    }
    if (start_reading(decoder, jpeg, length, max_pixels, message) != 0) {
        return -1;
    }
    cinfo->out_color_space = JCS_RGB;
    jpeg_start_decompress(cinfo);
    size_t stride = (size_t)cinfo->output_width * 3;
    size_t needed = stride * cinfo->output_height;
    if (needed > decoder->capacity) {
        uint8_t *grown = realloc(decoder->pixels, needed);
        if (grown == NULL) {
            snprintf(message, JPEGSHIM_MESSAGE_CAPACITY, "out of memory for a %ux%u image", cinfo->output_width,
                     cinfo->output_height);
            jpeg_abort_decompress(cinfo);
            return -1;
        }
        decoder->pixels = grown;
        decoder->capacity = needed;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = decoder->pixels + (size_t)cinfo->output_scanline * stride;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    // libjpeg pads truncated data with fake EOI markers and only warns (JWRN_JPEG_EOF); that would hide corruption.
    if (decoder->error.warnings > 0) {
        shim_format_message((j_common_ptr)cinfo, message);
        jpeg_abort_decompress(cinfo);
        return -1;
    }
    jpeg_finish_decompress(cinfo);
    *rgb = decoder->pixels;
    *width = (int)cinfo->output_width;
    *height = (int)cinfo->output_height;
    return 0;
}

// libjpeg's standard message table lives in static storage for the life of the process.
static const char *shim_standard_message(int code) {
    struct jpeg_error_mgr errors;
    jpeg_std_error(&errors);
    return errors.jpeg_message_table[code];
}

const char *jpegshim_library_version(void) { return shim_standard_message(JMSG_VERSION); }

const char *jpegshim_library_copyright(void) { return shim_standard_message(JMSG_COPYRIGHT); }
