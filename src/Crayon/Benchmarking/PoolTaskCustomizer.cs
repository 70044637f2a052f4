using Crayon.Customization;

namespace Crayon.Benchmarking;

/// <summary>
/// The hybrid benchmark's customization through the product's own path (<see cref="Customizer"/>): the task's K examples
/// embedded with the pool's signal, q_c, alpha, the blend, the adapter loaded from memory. The benchmark applies the
/// adapter to its device context and disposes it.
/// </summary>
public static class PoolTaskCustomizer
{
    /// <exception cref="NotSupportedException">when used with runtime mix, which yields several adapters rather than one.</exception>
    public static TaskCustomizer From(Customizer customizer)
    {
        ArgumentNullException.ThrowIfNull(customizer);
        return (task, examples, _) =>
        {
            var result = customizer.Customize(examples, _ => { });
            return result.Live ?? throw new NotSupportedException($"the hybrid benchmark applies one blended adapter per task; mode {customizer.Options.Mode} gives none");
        };
    }
}
