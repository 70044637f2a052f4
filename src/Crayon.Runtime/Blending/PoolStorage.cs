namespace Crayon.Blending;

/// <summary>The element type a pool is stored in on the device. Blends always accumulate in fp32 and return fp32.</summary>
public enum PoolStorage
{
    Float32 = 0,

    /// <summary>IEEE half, rounded to nearest even on upload: half the memory and bandwidth.</summary>
    Float16 = 1,

    /// <summary>bfloat16 (fp32's exponent, 8-bit significand), rounded to nearest even on upload.</summary>
    BFloat16 = 2,
}
