using Crayon.Adapters;

namespace Crayon.Blending;

/// <summary>A blended adapter, the adapters it was made of (in stacking order for concat), and the timings.</summary>
public sealed record BlendResult(LoraAdapter Adapter, IReadOnlyList<int> Blended, BlendTimings Timings);
