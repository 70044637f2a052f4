#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "recipes.h"

uint64_t crayon_tensor_elements(const crayon_tensor_desc *tensor) {
    return (uint64_t)tensor->rows * tensor->cols;
}

uint64_t crayon_align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

int32_t crayon_layout_init(crayon_layout *layout, const crayon_pool_desc *desc) {
    memset(layout, 0, sizeof *layout);
    if (!desc) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "pool description is NULL");
    if (desc->struct_size != sizeof(crayon_pool_desc))
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_pool_desc.struct_size is %u, this library expects %u",
                           desc->struct_size, (unsigned)sizeof(crayon_pool_desc));
    if (desc->adapter_count == 0)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "adapter_count is 0: a pool needs at least one adapter");
    if (desc->tensor_count == 0 || !desc->tensors)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensor_count is 0 or tensors is NULL: an adapter needs at least one tensor");
    if (desc->storage > CRAYON_STORAGE_BF16)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "storage %u is not f32 (0), f16 (1) or bf16 (2)", desc->storage);

    uint64_t offset = 0;
    for (uint32_t t = 0; t < desc->tensor_count; ++t) {
        const crayon_tensor_desc *tensor = &desc->tensors[t];
        if (tensor->rows == 0 || tensor->cols == 0)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensor %u has shape %ux%u; both dimensions must be at least 1",
                               t, tensor->rows, tensor->cols);
        if (tensor->role > CRAYON_TENSOR_LORA_B)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensor %u has role %u; expected LORA_A (0) or LORA_B (1)", t, tensor->role);
        offset = crayon_align_up(offset, CRAYON_ALIGN_ELEMENTS) + crayon_tensor_elements(tensor);
    }
    uint64_t adapter_elements = crayon_align_up(offset, CRAYON_ALIGN_ELEMENTS);
    /* Shaders index elements with 32-bit integers. */
    if (adapter_elements > UINT32_MAX)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "one adapter holds %llu elements; the limit is %u",
                           (unsigned long long)adapter_elements, UINT32_MAX);

    layout->tensors = malloc(sizeof *layout->tensors * desc->tensor_count);
    layout->offsets = malloc(sizeof *layout->offsets * desc->tensor_count);
    if (!layout->tensors || !layout->offsets) {
        crayon_layout_free(layout);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory describing %u tensors", desc->tensor_count);
    }
    memcpy(layout->tensors, desc->tensors, sizeof *layout->tensors * desc->tensor_count);
    offset = 0;
    for (uint32_t t = 0; t < desc->tensor_count; ++t) {
        offset = crayon_align_up(offset, CRAYON_ALIGN_ELEMENTS);
        layout->offsets[t] = offset;
        offset += crayon_tensor_elements(&desc->tensors[t]);
    }
    layout->adapter_count = desc->adapter_count;
    layout->tensor_count = desc->tensor_count;
    layout->storage = desc->storage;
    layout->storage_bytes = desc->storage == CRAYON_STORAGE_F32 ? 4 : 2;
    layout->adapter_elements = adapter_elements;
    return CRAYON_OK;
}

void crayon_layout_free(crayon_layout *layout) {
    free(layout->tensors);
    free(layout->offsets);
    layout->tensors = NULL;
    layout->offsets = NULL;
}

uint64_t crayon_layout_output_elements(const crayon_layout *layout, uint32_t mode, uint32_t k, uint32_t tensor) {
    uint64_t elements = crayon_tensor_elements(&layout->tensors[tensor]);
    uint32_t shape;
    /* Requests are checked before this is asked; an unknown mode (error recorded) has no output at all. */
    if (crayon_mode_output_shape(mode, &shape) != CRAYON_OK) return 0;
    return shape == CRAYON_SHAPE_STACKED ? elements * k : elements;
}

void crayon_layout_output_offsets(const crayon_layout *layout, uint32_t mode, uint32_t k,
                                  uint64_t *offsets, uint64_t *total_elements) {
    uint64_t offset = 0;
    for (uint32_t t = 0; t < layout->tensor_count; ++t) {
        offset = crayon_align_up(offset, CRAYON_ALIGN_ELEMENTS);
        if (offsets) offsets[t] = offset;
        offset += crayon_layout_output_elements(layout, mode, k, t);
    }
    *total_elements = crayon_align_up(offset, CRAYON_ALIGN_ELEMENTS);
}

uint32_t crayon_request_k(const crayon_layout *layout, const crayon_blend_request *request) {
    uint32_t shape;
    if (crayon_mode_output_shape(request->mode, &shape) != CRAYON_OK) return 0;
    return shape == CRAYON_SHAPE_STACKED ? request->selection_count : layout->adapter_count;
}

int32_t crayon_check_request(const crayon_layout *layout, const crayon_blend_request *request,
                             float *const *outputs, const uint64_t *output_counts) {
    const uint32_t n = layout->adapter_count;
    if (!request) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend request is NULL");
    if (request->struct_size != sizeof(crayon_blend_request))
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_blend_request.struct_size is %u, this library expects %u",
                           request->struct_size, (unsigned)sizeof(crayon_blend_request));
    uint32_t shape;
    int32_t known = crayon_mode_output_shape(request->mode, &shape);
    if (known != CRAYON_OK) return known;
    if (!request->weights)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "weights is NULL");
    if (request->weight_count != n)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "%u weights given for a pool of %u adapters; one weight per adapter is needed",
                           request->weight_count, n);
    for (uint32_t i = 0; i < n; ++i)
        if (!isfinite(request->weights[i]))
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "weights[%u] is %s; weights must be finite",
                               i, isnan(request->weights[i]) ? "NaN" : "infinite");
    if (shape == CRAYON_SHAPE_POOL) {
        if (request->selection_count != 0)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "selection_count is %u; a %s blend uses every adapter, so it must be 0",
                               request->selection_count, crayon_mode_name(request->mode));
    } else {
        uint32_t k = request->selection_count;
        if (k == 0 || k > n)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "concat selection_count (top-k) is %u; it must be between 1 and %u (the pool size)", k, n);
        if (!request->selection) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "concat selection is NULL");
        for (uint32_t j = 0; j < k; ++j) {
            if (request->selection[j] >= n)
                return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "selection[%u] = %u is not an adapter index (the pool has %u)",
                                   j, request->selection[j], n);
            for (uint32_t m = 0; m < j; ++m)
                if (request->selection[m] == request->selection[j])
                    return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "selection[%u] = %u repeats selection[%u]; each adapter may be stacked once",
                                       j, request->selection[j], m);
        }
        uint64_t total;
        crayon_layout_output_offsets(layout, request->mode, k, NULL, &total);
        if (total > UINT32_MAX)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "a concat of %u adapters has %llu output elements; the limit is %u",
                               k, (unsigned long long)total, UINT32_MAX);
    }
    if (outputs) {
        if (!output_counts) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "outputs given without output_counts");
        uint32_t k = crayon_request_k(layout, request);
        for (uint32_t t = 0; t < layout->tensor_count; ++t) {
            uint64_t needed = crayon_layout_output_elements(layout, request->mode, k, t);
            if (!outputs[t]) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "outputs[%u] is NULL", t);
            if (output_counts[t] < needed)
                return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "outputs[%u] holds %llu floats; tensor %u needs %llu",
                                   t, (unsigned long long)output_counts[t], t, (unsigned long long)needed);
        }
    }
    return CRAYON_OK;
}

uint32_t crayon_image_element_bytes(uint32_t storage) { return storage == CRAYON_STORAGE_F32 ? 4u : 2u; }

typedef struct image_span {
    uint64_t begin, end;
    uint32_t tensor;
} image_span;

static int compare_spans(const void *a, const void *b) {
    const image_span *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

int32_t crayon_check_image(const crayon_layout *layout, uint32_t mode, uint32_t k, const crayon_host_image *image) {
    if (!image) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image is NULL");
    if (image->struct_size != sizeof(crayon_host_image) && image->struct_size != CRAYON_HOST_IMAGE_V2_SIZE)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_host_image.struct_size is %u, this library expects %u (or %u, ABI 2)",
                           image->struct_size, (unsigned)sizeof(crayon_host_image), (unsigned)CRAYON_HOST_IMAGE_V2_SIZE);
    if (image->storage != CRAYON_STORAGE_F32 && image->storage != CRAYON_STORAGE_F16)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image storage %u is not f32 (0) or f16 (1)", image->storage);
    if (!image->base) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image base is NULL");
    if (!image->tensor_offsets) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image tensor_offsets is NULL");
    const uint32_t size = crayon_image_element_bytes(image->storage);
    image_span *spans = malloc(sizeof *spans * layout->tensor_count);
    if (!spans) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    int32_t status = CRAYON_OK;
    for (uint32_t t = 0; t < layout->tensor_count && status == CRAYON_OK; ++t) {
        uint64_t offset = image->tensor_offsets[t];
        uint64_t bytes = crayon_layout_output_elements(layout, mode, k, t) * size;
        if (offset % size != 0)
            status = crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image offset of tensor %u (%llu) is not a multiple of the element size %u",
                                 t, (unsigned long long)offset, size);
        else if (offset > image->bytes || bytes > image->bytes - offset)
            status = crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0,
                                 "tensor %u (%llu bytes at offset %llu) does not fit in the image of %llu bytes", t,
                                 (unsigned long long)bytes, (unsigned long long)offset, (unsigned long long)image->bytes);
        spans[t] = (image_span){.begin = offset, .end = offset + bytes, .tensor = t};
    }
    if (status == CRAYON_OK) {
        qsort(spans, layout->tensor_count, sizeof *spans, compare_spans);
        for (uint32_t i = 1; i < layout->tensor_count && status == CRAYON_OK; ++i)
            if (spans[i].begin < spans[i - 1].end)
                status = crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensors %u and %u overlap in the image (bytes %llu..%llu and %llu..%llu)",
                                     spans[i - 1].tensor, spans[i].tensor, (unsigned long long)spans[i - 1].begin,
                                     (unsigned long long)spans[i - 1].end, (unsigned long long)spans[i].begin,
                                     (unsigned long long)spans[i].end);
    }
    free(spans);
    return status;
}
