/* AVX-512 and AVX2 builds of the CPU kernels, compiled into every x86-64 library and picked at
 * run time, so one binary runs well on any x86-64 host. */
#include "cpu_kernels.h"

#include <stddef.h>
#include <string.h>

#include "crayon_blend.h"
#include "half.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* --- AVX-512 ------------------------------------------------------------------------------ */
#define ISA_TARGET "avx512f,avx512bw,avx512vl,fma,f16c"
#define SUFFIX avx512
#define VEC __m512
#define WIDTH 16
#define LOADU(p) _mm512_loadu_ps(p)
#define STOREU(p, v) _mm512_storeu_ps(p, v)
#define STREAM(p, v) _mm512_stream_ps(p, v)
#define SET1(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MUL(a, b) _mm512_mul_ps(a, b)
#define LOAD_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define LOAD_BF16(p) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))), 16))
#define STORE_F16(p, v) _mm256_storeu_si256((__m256i *)(p), _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC))
#include "cpu_linear_x86.inc"
#undef ISA_TARGET
#undef SUFFIX
#undef VEC
#undef WIDTH
#undef LOADU
#undef STOREU
#undef STREAM
#undef SET1
#undef FMA
#undef MUL
#undef LOAD_F16
#undef LOAD_BF16
#undef STORE_F16

/* --- AVX2 + FMA + F16C ---------------------------------------------------------------------- */
#define ISA_TARGET "avx2,fma,f16c"
#define SUFFIX avx2
#define VEC __m256
#define WIDTH 8
#define LOADU(p) _mm256_loadu_ps(p)
#define STOREU(p, v) _mm256_storeu_ps(p, v)
#define STREAM(p, v) _mm256_stream_ps(p, v)
#define SET1(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MUL(a, b) _mm256_mul_ps(a, b)
#define LOAD_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define LOAD_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))
#define STORE_F16(p, v) _mm_storeu_si128((__m128i *)(p), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC))
#include "cpu_linear_x86.inc"

static const crayon_cpu_isa isa_avx512 = {"avx512", CRAYON_FEATURE_CPU_AVX512, 16, linear_avx512, to_f16_avx512, scaled_from_f16_avx512};
static const crayon_cpu_isa isa_avx2 = {"avx2", CRAYON_FEATURE_CPU_AVX2, 8, linear_avx2, to_f16_avx2, scaled_from_f16_avx2};

const crayon_cpu_isa *crayon_cpu_isa_x86(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return &isa_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return &isa_avx2;
    return NULL;
}
#else
const crayon_cpu_isa *crayon_cpu_isa_x86(void) { return NULL; }
#endif
