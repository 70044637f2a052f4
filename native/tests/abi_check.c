/* Checks libcrayon_blend.so through its public C ABI only, on the CPU path, against float64 references: the check
 * that travels with a build for another architecture (the linux-arm64 plugin packed beside the x64 one is run by
 * it under qemu-user in the tests, where no .NET host exists for that architecture). Prints one line per failed
 * check and a summary; exits 0 only when every check passed. */
#include "crayon_blend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ADAPTERS = 5, TENSORS = 3 };

static const crayon_tensor_desc tensors[TENSORS] = {
    {4, 37, CRAYON_TENSOR_LORA_A, 0},   /* odd widths exercise every kernel's tail */
    {129, 4, CRAYON_TENSOR_LORA_B, 0},
    {4, 1000, CRAYON_TENSOR_LORA_A, 0},
};
static const float weights[ADAPTERS] = {0.5f, -0.25f, 1.5f, 0.0f, 0.125f};

static int checks, failures;

static void expect(int ok, const char *what, double got, double want)
{
    checks++;
    if (ok) return;
    failures++;
    fprintf(stderr, "FAILED %s: got %.9g, expected %.9g\n", what, got, want);
}

/* A value exactly representable in fp16, so storage rounding cannot blur the reference. */
static float value_of(int adapter, int tensor, size_t element)
{
    unsigned h = (unsigned)(adapter * 7919 + tensor * 104729) ^ (unsigned)(element * 2654435761u);
    h ^= h >> 13;
    return (float)((int)(h % 257) - 128) / 64.0f;
}

static size_t elements_of(int t) { return (size_t)tensors[t].rows * tensors[t].cols; }

static int check_status(int32_t status, const char *call)
{
    checks++;
    if (status == CRAYON_OK) return 1;
    failures++;
    fprintf(stderr, "FAILED %s: status %d (%s)\n", call, status, crayon_last_error());
    return 0;
}

static crayon_pool *make_pool(crayon_engine *engine, uint32_t storage, float **data)
{
    crayon_pool_desc desc = {sizeof desc, ADAPTERS, TENSORS, storage, tensors};
    crayon_pool *pool = NULL;
    if (!check_status(crayon_pool_create(engine, &desc, &pool), "crayon_pool_create")) return NULL;
    for (int a = 0; a < ADAPTERS; a++) {
        const float *views[TENSORS];
        for (int t = 0; t < TENSORS; t++) views[t] = data[a * TENSORS + t];
        if (!check_status(crayon_pool_upload(pool, (uint32_t)a, 0, TENSORS, views), "crayon_pool_upload")) return pool;
    }
    return pool;
}

static void check_linear(crayon_pool *pool, float **data, const char *storage)
{
    float *out[TENSORS];
    uint64_t counts[TENSORS];
    for (int t = 0; t < TENSORS; t++) { counts[t] = elements_of(t); out[t] = calloc(counts[t], sizeof(float)); }
    crayon_blend_request request = {.struct_size = sizeof request, .mode = CRAYON_BLEND_LINEAR, .weights = weights,
                                    .weight_count = ADAPTERS};
    if (check_status(crayon_blend(pool, &request, out, counts, NULL), "crayon_blend linear")) {
        double worst = 0;
        for (int t = 0; t < TENSORS; t++)
            for (size_t e = 0; e < counts[t]; e++) {
                double want = 0;
                for (int a = 0; a < ADAPTERS; a++) want += (double)weights[a] * data[a * TENSORS + t][e];
                worst = fmax(worst, fabs(out[t][e] - want));
            }
        char what[96];
        snprintf(what, sizeof what, "linear blend (%s storage) max |error| <= 1e-5", storage);
        expect(worst <= 1e-5, what, worst, 0);
    }
    for (int t = 0; t < TENSORS; t++) free(out[t]);
}

/* concat of k = 2 adapters: A' stacks w_s A_s on rows, B' stacks B_s on columns. */
static void check_concat(crayon_pool *pool, float **data)
{
    const uint32_t selection[2] = {2, 0};
    float *out[TENSORS];
    uint64_t counts[TENSORS];
    for (int t = 0; t < TENSORS; t++) {
        uint64_t n = 0;
        check_status(crayon_pool_output_elements(pool, CRAYON_BLEND_CONCAT, 2, (uint32_t)t, &n), "crayon_pool_output_elements");
        expect(n == 2 * elements_of(t), "concat output elements = k x input", (double)n, (double)(2 * elements_of(t)));
        counts[t] = n;
        out[t] = calloc(n, sizeof(float));
    }
    crayon_blend_request request = {.struct_size = sizeof request, .mode = CRAYON_BLEND_CONCAT, .weights = weights,
                                    .weight_count = ADAPTERS, .selection_count = 2, .selection = selection};
    if (check_status(crayon_blend(pool, &request, out, counts, NULL), "crayon_blend concat")) {
        int exact = 1;
        for (int t = 0; t < TENSORS && exact; t++) {
            const uint32_t rows = tensors[t].rows, cols = tensors[t].cols;
            for (int s = 0; s < 2; s++)
                for (uint32_t r = 0; r < rows; r++)
                    for (uint32_t c = 0; c < cols; c++) {
                        const float x = data[selection[s] * TENSORS + t][(size_t)r * cols + c];
                        const float got = tensors[t].role == CRAYON_TENSOR_LORA_A
                                              ? out[t][((size_t)s * rows + r) * cols + c]
                                              : out[t][(size_t)r * (2 * cols) + (size_t)s * cols + c];
                        const float want = tensors[t].role == CRAYON_TENSOR_LORA_A ? weights[selection[s]] * x : x;
                        if (got != want) exact = 0;
                    }
        }
        expect(exact, "concat blend equals the stacked factors exactly", exact, 1);
    }
    for (int t = 0; t < TENSORS; t++) free(out[t]);
}

/* magnitude_prune at density 1 keeps everything: out = sum_i sqrt(w_i) x_i (weights must be >= 0). */
static void check_merge(crayon_pool *pool, float **data)
{
    const float positive[ADAPTERS] = {0.5f, 0.25f, 1.5f, 0.0f, 0.125f};
    float *out[TENSORS];
    uint64_t counts[TENSORS];
    for (int t = 0; t < TENSORS; t++) { counts[t] = elements_of(t); out[t] = calloc(counts[t], sizeof(float)); }
    crayon_blend_request request = {.struct_size = sizeof request, .mode = CRAYON_BLEND_MAGNITUDE_PRUNE, .weights = positive,
                                    .weight_count = ADAPTERS, .density = 1.0f};
    if (check_status(crayon_blend(pool, &request, out, counts, NULL), "crayon_blend magnitude_prune")) {
        double worst = 0;
        for (int t = 0; t < TENSORS; t++)
            for (size_t e = 0; e < counts[t]; e++) {
                double want = 0;
                for (int a = 0; a < ADAPTERS; a++) want += sqrt((double)positive[a]) * data[a * TENSORS + t][e];
                worst = fmax(worst, fabs(out[t][e] - want));
            }
        expect(worst <= 1e-5, "magnitude_prune (density 1) max |error| <= 1e-5", worst, 0);
    }
    const float negative[ADAPTERS] = {0.5f, -0.25f, 1.0f, 0.0f, 0.0f};
    request.weights = negative;
    checks++;
    if (crayon_blend(pool, &request, out, counts, NULL) != CRAYON_ERROR_INVALID_ARGUMENT) {
        failures++;
        fprintf(stderr, "FAILED a merge recipe with a negative weight was not refused as an invalid argument\n");
    }
    for (int t = 0; t < TENSORS; t++) free(out[t]);
}

struct landing { int reports; uint32_t seen[TENSORS]; };

static int32_t on_landed(void *user, const crayon_image_chunk *chunk)
{
    struct landing *landing = user;
    landing->reports++;
    for (uint32_t i = 0; i < chunk->tensor_count; i++)
        if (chunk->tensors[i] < TENSORS) landing->seen[chunk->tensors[i]]++;
    return 0;
}

/* The pipelined landing into an fp16 host image: every tensor reported once, values as the linear blend rounded. */
static void check_image(crayon_pool *pool, float **data)
{
    uint64_t offsets[TENSORS], bytes = 0;
    for (int t = 0; t < TENSORS; t++) { offsets[t] = bytes; bytes += (elements_of(t) * 2 + 63) / 64 * 64; }
    unsigned char *base = calloc(bytes, 1);
    struct landing landing = {0};
    crayon_host_image image = {sizeof image, CRAYON_STORAGE_F16, base, bytes, offsets, on_landed, &landing, 1024};
    crayon_blend_request request = {.struct_size = sizeof request, .mode = CRAYON_BLEND_LINEAR, .weights = weights,
                                    .weight_count = ADAPTERS};
    if (check_status(crayon_blend_to_image(pool, &request, &image, NULL), "crayon_blend_to_image")) {
        int once = 1;
        for (int t = 0; t < TENSORS; t++) once &= landing.seen[t] == 1;
        expect(once && landing.reports >= 1, "every tensor of the image reported exactly once", once, 1);
        double worst = 0;
        for (int t = 0; t < TENSORS; t++) {
            const _Float16 *halves = (const _Float16 *)(base + offsets[t]);
            for (size_t e = 0; e < elements_of(t); e++) {
                double want = 0;
                for (int a = 0; a < ADAPTERS; a++) want += (double)weights[a] * data[a * TENSORS + t][e];
                worst = fmax(worst, fabs((double)halves[e] - want) / fmax(1.0, fabs(want)));
            }
        }
        expect(worst <= 1e-3, "fp16 image within half precision of the float64 blend", worst, 0);
    }
    free(base);
}

int main(void)
{
    printf("abi_check: libcrayon_blend ABI %u\n", crayon_abi_version());
    float *data[ADAPTERS * TENSORS];
    for (int a = 0; a < ADAPTERS; a++)
        for (int t = 0; t < TENSORS; t++) {
            data[a * TENSORS + t] = malloc(elements_of(t) * sizeof(float));
            for (size_t e = 0; e < elements_of(t); e++) data[a * TENSORS + t][e] = value_of(a, t, e);
        }

    crayon_engine_options options = {.struct_size = sizeof options, .backend = CRAYON_BACKEND_CPU, .device_index = -1, .cpu_threads = 2};
    crayon_engine *engine = NULL;
    if (check_status(crayon_engine_create(&options, &engine), "crayon_engine_create (CPU)")) {
        crayon_device_info info = {.struct_size = sizeof info};
        if (check_status(crayon_engine_get_info(engine, &info), "crayon_engine_get_info"))
            printf("abi_check: device '%s', %u threads\n", info.name, info.threads);
        const uint32_t storages[2] = {CRAYON_STORAGE_F32, CRAYON_STORAGE_F16};
        const char *names[2] = {"f32", "f16"};
        for (int s = 0; s < 2; s++) {
            crayon_pool *pool = make_pool(engine, storages[s], data);
            if (!pool) continue;
            check_linear(pool, data, names[s]);
            check_concat(pool, data);
            check_merge(pool, data);
            check_image(pool, data);
            crayon_pool_destroy(pool);
        }
        crayon_engine_destroy(engine);
    }
    for (int i = 0; i < ADAPTERS * TENSORS; i++) free(data[i]);
    printf("abi_check: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
