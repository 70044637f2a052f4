#version 460
// The copy ceiling: dst = src with the same 16-byte loads, strides and grid-stride loop as the
// linear blend (vkCmdCopyBuffer is not a fair ceiling on some drivers).
#extension GL_GOOGLE_include_directive : require
#define STORAGE_F32
#include "blend_common.glsl"

layout(push_constant) uniform Params {
    uvec2 src;
    uvec2 dst;
    uint vec4_count;
} p;

void main() {
    const uint wg = gl_WorkGroupSize.x;
    const uint tile = wg * LOADS_PER_THREAD;
    OutVec4 dst = OutVec4(p.dst);
    for (uint base = gl_WorkGroupID.x * tile; base < p.vec4_count; base += gl_NumWorkGroups.x * tile) {
        vec4 v[LOADS_PER_THREAD];
        [[unroll]] for (uint k = 0u; k < LOADS_PER_THREAD; ++k) {
            uint i = base + gl_LocalInvocationID.x + k * wg;
            if (i < p.vec4_count) v[k] = load_vec4(p.src, i);
        }
        [[unroll]] for (uint k = 0u; k < LOADS_PER_THREAD; ++k) {
            uint i = base + gl_LocalInvocationID.x + k * wg;
            if (i < p.vec4_count) dst.v[i] = v[k];
        }
    }
}
