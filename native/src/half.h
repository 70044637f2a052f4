/* Scalar fp32 <-> fp16 / bf16 conversions, round to nearest even (what .NET's (Half) cast and
 * the F16C instructions do), so every path stores bit-identical values. */
#ifndef CRAYON_HALF_H
#define CRAYON_HALF_H
#include <stdint.h>
#include <string.h>

static inline uint32_t crayon_float_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float crayon_bits_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static inline uint16_t crayon_f32_to_f16(float f) {
    const uint32_t f16_overflow = (127u + 16u) << 23;           /* 65536.0f: everything above is inf */
    const uint32_t denorm_magic = ((127u - 15u) + (23u - 10u) + 1u) << 23;
    uint32_t x = crayon_float_bits(f);
    uint32_t sign = x & 0x80000000u;
    x ^= sign;
    uint16_t out;
    if (x >= f16_overflow) {
        out = x > 0x7F800000u ? 0x7E00 : 0x7C00;                /* NaN stays NaN, else inf */
    } else if (x < (113u << 23)) {
        /* Below the smallest normal half: let the FPU round while adding a magic number. */
        out = (uint16_t)(crayon_float_bits(crayon_bits_float(x) + crayon_bits_float(denorm_magic)) - denorm_magic);
    } else {
        uint32_t mantissa_odd = (x >> 13) & 1u;
        x += ((uint32_t)(15 - 127) << 23) + 0xFFFu + mantissa_odd;
        out = (uint16_t)(x >> 13);
    }
    return (uint16_t)(out | (sign >> 16));
}

static inline float crayon_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1Fu;
    uint32_t mantissa = h & 0x3FFu;
    if (exponent == 0) {
        float magnitude = (float)mantissa * 0x1p-24f;
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) return crayon_bits_float(sign | 0x7F800000u | (mantissa << 13));
    return crayon_bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

static inline uint16_t crayon_f32_to_bf16(float f) {
    uint32_t x = crayon_float_bits(f);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x0040u); /* quiet NaN */
    x += 0x7FFFu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

static inline float crayon_bf16_to_f32(uint16_t b) { return crayon_bits_float((uint32_t)b << 16); }

#endif
