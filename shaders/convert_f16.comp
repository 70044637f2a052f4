#version 460
// The fp16 image of a blend: dst = half(src) over the whole fp32 output, rounded to nearest even
// with integer arithmetic (packHalf2x16 leaves the rounding to the driver), so every device and the
// CPU path write bit-identical halves. Same loads, strides and grid-stride loop as the copy kernel.
#extension GL_GOOGLE_include_directive : require
#define STORAGE_F32
#include "blend_common.glsl"

layout(buffer_reference, std430, buffer_reference_align = 8) writeonly buffer OutHalf4 { uvec2 v[]; };

layout(push_constant) uniform Params {
    uvec2 src;
    uvec2 dst;
    uint vec4_count;
} p;

uint half_bits(float value) {
    uint x = floatBitsToUint(value);
    uint sign = x & 0x80000000u;
    x ^= sign;
    uint bits;
    if (x >= 0x47800000u) {                 // 65536.0 and above: inf (NaN stays NaN)
        bits = x > 0x7F800000u ? 0x7E00u : 0x7C00u;
    } else if (x < 0x38800000u) {           // below the smallest normal half: the FPU rounds the addition
        const uint magic = 126u << 23;      // 0.5
        bits = floatBitsToUint(uintBitsToFloat(x) + uintBitsToFloat(magic)) - magic;
    } else {
        x += 0xC8000FFFu + ((x >> 13) & 1u); // rebias the exponent, round to nearest even
        bits = x >> 13;
    }
    return (bits | (sign >> 16)) & 0xFFFFu;
}

uint pack2(float lo, float hi) { return half_bits(lo) | (half_bits(hi) << 16); }

void main() {
    const uint wg = gl_WorkGroupSize.x;
    const uint tile = wg * LOADS_PER_THREAD;
    OutHalf4 dst = OutHalf4(p.dst);
    for (uint base = gl_WorkGroupID.x * tile; base < p.vec4_count; base += gl_NumWorkGroups.x * tile) {
        vec4 v[LOADS_PER_THREAD];
        [[unroll]] for (uint k = 0u; k < LOADS_PER_THREAD; ++k) {
            uint i = base + gl_LocalInvocationID.x + k * wg;
            if (i < p.vec4_count) v[k] = load_vec4(p.src, i);
        }
        [[unroll]] for (uint k = 0u; k < LOADS_PER_THREAD; ++k) {
            uint i = base + gl_LocalInvocationID.x + k * wg;
            if (i < p.vec4_count) dst.v[i] = uvec2(pack2(v[k].x, v[k].y), pack2(v[k].z, v[k].w));
        }
    }
}
