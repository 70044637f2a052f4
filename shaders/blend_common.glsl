// Shared by the blend shaders. All memory is reached through buffer device addresses (passed in
// push constants as uvec2), so a pool is not limited by maxStorageBufferRange and needs no
// descriptor sets. Tuning knobs are specialization constants, set by the host per pipeline.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_buffer_reference_uvec2 : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;                       // invocations per workgroup
layout(constant_id = 1) const uint LOADS_PER_THREAD = 4; // 16-byte loads per invocation per adapter
layout(constant_id = 2) const uint ADAPTER_UNROLL = 4;   // adapters folded per loop iteration

// One adapter of a blend: where its data starts and the weight it gets.
struct Entry {
    uvec2 address;
    float weight;
    uint pad;
};
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer Entries { Entry e[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) writeonly buffer OutVec4 { vec4 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer OutFloat { float v[]; };

// Storage decoding. f16 and bf16 pack two elements per uint, the lower index in the low half.
#if defined(STORAGE_F32)
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer SrcVec4 { vec4 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer SrcScalar { float v[]; };
float load_element(uvec2 base, uint i) { return SrcScalar(base).v[i]; }
vec4 load_vec4(uvec2 base, uint i4) { return SrcVec4(base).v[i4]; }
#else
layout(buffer_reference, std430, buffer_reference_align = 8) readonly buffer SrcPair { uvec2 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer SrcScalar { uint v[]; };
#if defined(STORAGE_F16)
vec2 decode2(uint bits) { return unpackHalf2x16(bits); }
#elif defined(STORAGE_BF16)
vec2 decode2(uint bits) { return vec2(uintBitsToFloat(bits << 16), uintBitsToFloat(bits & 0xFFFF0000u)); }
#else
#error "define STORAGE_F32, STORAGE_F16 or STORAGE_BF16"
#endif
float load_element(uvec2 base, uint i) {
    vec2 pair = decode2(SrcScalar(base).v[i >> 1]);
    return (i & 1u) != 0u ? pair.y : pair.x;
}
vec4 load_vec4(uvec2 base, uint i4) {
    uvec2 bits = SrcPair(base).v[i4];
    return vec4(decode2(bits.x), decode2(bits.y));
}
#endif
