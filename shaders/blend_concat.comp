#version 460
// concat: for each selected adapter s (slot j of k) and each tensor, copy X_s into the stacked
// output: A tensors land at rows j*r.. (scaled by w_s), B tensors at columns j*r.. (unscaled).
// Work is split into tiles, each one (tensor, slot, element range) so that a workgroup never
// crosses a tensor; the host builds the tile table once per k.
#extension GL_GOOGLE_include_directive : require
#include "blend_common.glsl"

struct Tile {
    uint tensor;
    uint slot;
    uint start;   // first source element of the tile
    uint pad;
};
struct TensorInfo {
    uint src_offset;  // element offset inside an adapter
    uint dst_offset;  // element offset inside the output
    uint elements;    // elements of the source tensor
    uint row_length;  // elements stacked as one unit: the whole tensor (A) or one row (B)
    uint scaled;      // 1: multiply by the adapter's weight
    uint vec4_ok;     // 1: row_length is a multiple of 4, so whole vec4s can move
    uint pad0;
    uint pad1;
};
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer Tiles { Tile t[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer Tensors { TensorInfo t[]; };

layout(push_constant) uniform Params {
    uvec2 tiles;
    uvec2 tensors;
    uvec2 entries;    // Entry[k], in stacking order
    uvec2 dst;
    uint tile_count;
    uint k;
} p;

void main() {
    const uint wg = gl_WorkGroupSize.x;
    const uint lid = gl_LocalInvocationID.x;
    Tiles tiles = Tiles(p.tiles);
    Tensors tensors = Tensors(p.tensors);
    Entries entries = Entries(p.entries);
    for (uint t = gl_WorkGroupID.x; t < p.tile_count; t += gl_NumWorkGroups.x) {
        Tile tile = tiles.t[t];
        TensorInfo info = tensors.t[tile.tensor];
        Entry e = entries.e[tile.slot];
        float scale = info.scaled != 0u ? e.weight : 1.0;
        uint row_gap = (p.k - 1u) * info.row_length;  // other slots' share of each output row
        uint dst_base = info.dst_offset + tile.slot * info.row_length;
        if (info.vec4_ok != 0u) {
            OutVec4 dst = OutVec4(p.dst);
            [[unroll]] for (uint m = 0u; m < LOADS_PER_THREAD; ++m) {
                uint q = tile.start + (m * wg + lid) * 4u;
                if (q < info.elements) {
                    uint row = q / info.row_length;
                    dst.v[(dst_base + q + row * row_gap) >> 2] = scale * load_vec4(e.address, (info.src_offset + q) >> 2);
                }
            }
        } else {
            OutFloat dst = OutFloat(p.dst);
            [[unroll]] for (uint m = 0u; m < LOADS_PER_THREAD; ++m) {
                uint q = tile.start + m * wg + lid;
                if (q < info.elements) {
                    uint row = q / info.row_length;
                    dst.v[dst_base + q + row * row_gap] = scale * load_element(e.address, info.src_offset + q);
                }
            }
        }
    }
}
