#ifndef CJPEGSHIM_H
#define CJPEGSHIM_H

#include <stddef.h>
#include <stdint.h>

// libjpeg reports errors by calling a handler that must not return; the usual answer is setjmp/longjmp,
// which Swift cannot do. These functions keep the jump inside C and hand Swift a status and a message.
// Each encoder and decoder keeps its libjpeg state and output buffer between calls, so hot loops allocate nothing.

#define JPEGSHIM_MESSAGE_CAPACITY 200

typedef struct jpegshim_encoder jpegshim_encoder;
typedef struct jpegshim_decoder jpegshim_decoder;

jpegshim_encoder *jpegshim_encoder_new(void);
void jpegshim_encoder_free(jpegshim_encoder *encoder);

/// Encodes packed RGB rows. On success returns 0 and points *output at a buffer the encoder owns, valid until the
/// next call on the same encoder. On failure returns -1 and writes libjpeg's message into `message`.
int jpegshim_encode_rgb(jpegshim_encoder *encoder, const uint8_t *rgb, int width, int height, int quality,
                        const uint8_t **output, size_t *output_length, char message[JPEGSHIM_MESSAGE_CAPACITY]);

jpegshim_decoder *jpegshim_decoder_new(void);
void jpegshim_decoder_free(jpegshim_decoder *decoder);

/// Reads only the header. Returns 0 with the dimensions, or -1 with libjpeg's message. An image of more than
/// `max_pixels` pixels is an error too: a header is a few bytes, and it decides how much memory decoding takes.
int jpegshim_read_header(jpegshim_decoder *decoder, const uint8_t *jpeg, size_t length, uint64_t max_pixels,
                         int *width, int *height, char message[JPEGSHIM_MESSAGE_CAPACITY]);

/// Decodes to packed RGB. On success *rgb points at a buffer the decoder owns, valid until its next call.
/// Truncated data is an error here, although libjpeg itself would only warn and pad the image with grey.
/// An image of more than `max_pixels` pixels is refused right after the header, before anything is allocated.
int jpegshim_decode_rgb(jpegshim_decoder *decoder, const uint8_t *jpeg, size_t length, uint64_t max_pixels,
                        const uint8_t **rgb, int *width, int *height, char message[JPEGSHIM_MESSAGE_CAPACITY]);

/// The linked libjpeg's own version text ("6b  27-Mar-1998": its API level and date) and copyright line (which
/// names libjpeg-turbo when it is that implementation). Both point at static storage.
const char *jpegshim_library_version(void);
const char *jpegshim_library_copyright(void);

#endif
