#include "image_chunks.h"

#include <stdlib.h>

#include "engine.h"
#include "errors.h"

crayon_image_landed crayon_image_callback(const crayon_host_image *image) {
    return image->struct_size == sizeof *image ? image->landed : NULL;
}

uint64_t crayon_image_chunk_bytes(const crayon_host_image *image) {
    uint64_t bytes = image->struct_size == sizeof *image ? image->chunk_bytes : 0;
    return bytes ? bytes : CRAYON_DEFAULT_CHUNK_BYTES;
}

/* qsort has no context argument: the offsets being sorted by travel with the indices. */
typedef struct ordered_tensor {
    uint64_t offset;
    uint32_t tensor;
} ordered_tensor;

static int compare_offsets(const void *a, const void *b) {
    const ordered_tensor *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int32_t crayon_chunk_plan_init(crayon_chunk_plan *plan, const crayon_layout *layout, uint32_t mode, uint32_t k,
                               const crayon_host_image *image) {
    const uint32_t n = layout->tensor_count;
    *plan = (crayon_chunk_plan){.tensor_count = n, .offsets = image->tensor_offsets};
    plan->order = malloc(sizeof *plan->order * n);
    plan->chunk_first = malloc(sizeof *plan->chunk_first * (n + 1));
    plan->tensor_bytes = malloc(sizeof *plan->tensor_bytes * n);
    ordered_tensor *sorted = malloc(sizeof *sorted * n);
    if (!plan->order || !plan->chunk_first || !plan->tensor_bytes || !sorted) {
        free(sorted);
        crayon_chunk_plan_free(plan);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory planning the image chunks");
    }
    const uint32_t element = crayon_image_element_bytes(image->storage);
    for (uint32_t t = 0; t < n; ++t) {
        plan->tensor_bytes[t] = crayon_layout_output_elements(layout, mode, k, t) * element;
        sorted[t] = (ordered_tensor){.offset = image->tensor_offsets[t], .tensor = t};
    }
    qsort(sorted, n, sizeof *sorted, compare_offsets);
    const uint64_t limit = crayon_image_chunk_bytes(image);
    uint64_t chunk_start = 0;
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t t = sorted[i].tensor;
        plan->order[i] = t;
        uint64_t end = sorted[i].offset + plan->tensor_bytes[t];
        /* A new chunk when this tensor would take the current one past the limit (never an empty chunk). */
        if (i == 0 || end - chunk_start > limit) {
            plan->chunk_first[plan->chunk_count++] = i;
            chunk_start = sorted[i].offset;
        }
    }
    plan->chunk_first[plan->chunk_count] = n;
    free(sorted);
    return CRAYON_OK;
}

void crayon_chunk_plan_free(crayon_chunk_plan *plan) {
    free(plan->order);
    free(plan->chunk_first);
    free(plan->tensor_bytes);
    plan->order = plan->chunk_first = NULL;
    plan->tensor_bytes = NULL;
}

crayon_image_chunk crayon_chunk_describe(const crayon_chunk_plan *plan, uint32_t first, uint32_t count) {
    uint32_t begin = plan->chunk_first[first], end = plan->chunk_first[first + count];
    uint32_t last_tensor = plan->order[end - 1];
    uint64_t offset = plan->offsets[plan->order[begin]];
    return (crayon_image_chunk){.struct_size = sizeof(crayon_image_chunk), .first_chunk = first, .chunks = count,
                                .chunk_count = plan->chunk_count, .tensor_count = end - begin, .tensors = plan->order + begin,
                                .offset = offset, .bytes = plan->offsets[last_tensor] + plan->tensor_bytes[last_tensor] - offset};
}

int32_t crayon_chunk_deliver(const crayon_host_image *image, const crayon_chunk_plan *plan, uint32_t first, uint32_t count,
                             crayon_blend_timings *timings) {
    crayon_image_chunk chunk = crayon_chunk_describe(plan, first, count);
    timings->chunk_count = first + count;
    timings->callback_count++;
    uint64_t started = crayon_now_ns();
    int32_t answer = image->landed(image->landed_user, &chunk);
    timings->callbacks_ns += crayon_now_ns() - started;
    if (answer == 0) return CRAYON_OK;
    return crayon_fail(CRAYON_ERROR_STOPPED, 0, "the landed callback returned %d for chunks %u..%u of %u (tensors from %u); the blend stopped there",
                       answer, first, first + count - 1, plan->chunk_count, chunk.tensors[0]);
}
