using Crayon.Tasks;
using Crayon.Customization;

namespace Crayon.Benchmarking;

/// <summary>
/// The hybrid benchmark's customization through the product's own path (<see cref="Customizer"/>): the task's K examples
/// embedded with the pool's signal, q_c, alpha, the blend landed in the device context's live adapter slot.
/// </summary>
public static class PoolTaskCustomizer
{
    public static TaskCustomizer From(Customizer customizer)
    {
        ArgumentNullException.ThrowIfNull(customizer);
        return (_, examples, _, device) => customizer.Customize(examples.AsExamples(), device);
    }
}
