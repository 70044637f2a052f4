#version 460
// The merge recipes (ties, dare_linear, dare_ties, magnitude_prune; native/include/crayon_blend.h has the formulas):
// element-wise over the N adapters, one workgroup row (gl_WorkGroupID.y) per tensor, grid-stride over its elements.
// Same arithmetic in the same order as native/src/cpu_merge.c; `precise` keeps the compiler from fusing the
// multiply-adds, so the sums round as the CPU's do. The values are recomputed in the second (ties) pass rather than
// kept, so N is unbounded; the second pass reads what the first just brought into cache.
#extension GL_GOOGLE_include_directive : require
#include "blend_common.glsl"

// Per tensor t: (element offset in an adapter, elements); then per adapter i and tensor t, at tensor_count + i * tensor_count + t:
// magnitude pruning's (threshold bits, cut).
layout(buffer_reference, std430, buffer_reference_align = 8) readonly buffer Tables { uvec2 v[]; };

layout(push_constant) uniform Params {
    uvec2 entries;      // Entry[adapter_count]; weight = the factor f_i
    uvec2 tables;
    uvec2 dst;          // float output, the pool's layout
    uint adapter_count;
    uint tensor_count;
    uint flags;         // bit 0: random (dare) pruning, bit 1: disjoint mean (ties), bit 2: frequency sign election
    uint keep_below;    // random: round(density * 2^24)
    uint seed_key;      // random: mix(mix(seed_lo) ^ seed_hi)
    uint pad;
} p;

uint mix32(uint x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

// v_i of element e of tensor t: kept ? f_i * x_i : 0.
float task_value(Entries entries, Tables tables, uint i, uint t, uvec2 info, uint e) {
    Entry entry = entries.e[i];
    float x = load_element(entry.address, info.x + e);
    bool kept;
    if ((p.flags & 1u) != 0u) {
        uint key = mix32(mix32(p.seed_key ^ i) ^ t);
        kept = (mix32(mix32(key ^ e)) >> 8) < p.keep_below;
    } else {
        uvec2 prune = tables.v[p.tensor_count + i * p.tensor_count + t];
        uint bits = floatBitsToUint(x) & 0x7fffffffu;
        kept = bits > prune.x || (bits == prune.x && e < prune.y);
    }
    precise float v = entry.weight * x;
    return kept ? v : 0.0;
}

void main() {
    const uint wg = gl_WorkGroupSize.x;
    const uint t = gl_WorkGroupID.y;
    Entries entries = Entries(p.entries);
    Tables tables = Tables(p.tables);
    OutFloat dst = OutFloat(p.dst);
    const uvec2 info = tables.v[t];
    for (uint e = gl_WorkGroupID.x * wg + gl_LocalInvocationID.x; e < info.y; e += gl_NumWorkGroups.x * wg) {
        precise float sum = 0.0;
        precise float vote = 0.0;
        for (uint i = 0u; i < p.adapter_count; ++i) {
            float v = task_value(entries, tables, i, t, info, e);
            sum += v;
            vote += sign(v);
        }
        if ((p.flags & 2u) == 0u) {
            dst.v[info.x + e] = sum;
            continue;
        }
        const float elected = (((p.flags & 4u) != 0u) ? vote : sum) >= 0.0 ? 1.0 : -1.0;
        precise float agreeing = 0.0;
        float kept = 0.0;
        for (uint i = 0u; i < p.adapter_count; ++i) {
            float v = task_value(entries, tables, i, t, info, e);
            if (v * elected > 0.0) {
                agreeing += v;
                kept += 1.0;
            }
        }
        dst.v[info.x + e] = agreeing / max(kept, 1.0);
    }
}
