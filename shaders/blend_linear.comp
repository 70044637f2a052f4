#version 460
// linear: out[j] = sum_i w_i * X_i[j] over the whole (padded) adapter, as one flat vector, or over the groups
// [first_group, group_end) of it (the landing path blends the image chunk by chunk, so the first chunk is read back
// while the rest is still being blended; every element gets the same sum in the same adapter order either way).
// Each invocation issues LOADS_PER_THREAD 16-byte loads per adapter, strided by the workgroup
// size so neighbouring invocations touch neighbouring addresses; fp32 accumulation.
#extension GL_GOOGLE_include_directive : require
#include "blend_common.glsl"

#if defined(STORAGE_F32)
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer SrcGroups { vec4 g[]; };
#define VEC4_PER_GROUP 1
#define ACCUMULATE(ACC, K, W, G) ACC[K] += (W) * (G)
#else
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer SrcGroups { uvec4 g[]; };
#define VEC4_PER_GROUP 2
#define ACCUMULATE(ACC, K, W, G)                                  \
    {                                                             \
        uvec4 bits_ = (G);                                        \
        ACC[2u * (K)] += (W) * vec4(decode2(bits_.x), decode2(bits_.y));      \
        ACC[2u * (K) + 1u] += (W) * vec4(decode2(bits_.z), decode2(bits_.w)); \
    }
#endif

layout(push_constant) uniform Params {
    uvec2 entries;      // Entry[adapter_count]
    uvec2 dst;          // float output, 16-byte aligned
    uint first_group;   // the first 16-byte storage group blended
    uint group_end;     // one past the last; the whole padded adapter is [0, its length in groups)
    uint adapter_count;
} p;

const uint ACC_COUNT = LOADS_PER_THREAD * VEC4_PER_GROUP;

#define FOLD_ADAPTER(INDEX)                                                   \
    {                                                                         \
        Entry e_ = entries.e[INDEX];                                          \
        SrcGroups src_ = SrcGroups(e_.address);                               \
        [[unroll]] for (uint k_ = 0u; k_ < LOADS_PER_THREAD; ++k_) {          \
            uint g_ = first + k_ * wg;                                        \
            if (g_ < p.group_end) ACCUMULATE(acc, k_, e_.weight, src_.g[g_]); \
        }                                                                     \
    }

void main() {
    const uint wg = gl_WorkGroupSize.x;
    const uint tile = wg * LOADS_PER_THREAD;
    Entries entries = Entries(p.entries);
    OutVec4 dst = OutVec4(p.dst);
    for (uint base = p.first_group + gl_WorkGroupID.x * tile; base < p.group_end; base += gl_NumWorkGroups.x * tile) {
        const uint first = base + gl_LocalInvocationID.x;
        vec4 acc[ACC_COUNT];
        [[unroll]] for (uint k = 0u; k < ACC_COUNT; ++k) acc[k] = vec4(0.0);
        uint i = 0u;
        for (; i + ADAPTER_UNROLL <= p.adapter_count; i += ADAPTER_UNROLL) {
            [[unroll]] for (uint u = 0u; u < ADAPTER_UNROLL; ++u) FOLD_ADAPTER(i + u)
        }
        for (; i < p.adapter_count; ++i) FOLD_ADAPTER(i)
        [[unroll]] for (uint k = 0u; k < LOADS_PER_THREAD; ++k) {
            uint g = first + k * wg;
            if (g < p.group_end) {
                [[unroll]] for (uint h = 0u; h < VEC4_PER_GROUP; ++h)
                    dst.v[g * VEC4_PER_GROUP + h] = acc[k * VEC4_PER_GROUP + h];
            }
        }
    }
}
