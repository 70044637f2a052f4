using System.Globalization;

namespace Crayon.Server.Adapters;

/// <summary>A LoRA adapter file served as --lora FILE[:scale] (llama-server's --lora and --lora-scaled in one).</summary>
public sealed record LoraSource(string Path, float Scale)
{
    /// <summary>"file" (scale 1) or "file:scale"; a path that itself holds ':' takes the scale only when the part after the last ':' is a number.</summary>
    public static LoraSource Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var colon = spec.LastIndexOf(':');
        if (colon > 0 && float.TryParse(spec[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var scale))
        {
            if (!float.IsFinite(scale) || Math.Abs(scale) > LoraScale.MaxScale)
                throw new ArgumentException($"--lora '{spec}': the scale must be a number between -{LoraScale.MaxScale} and {LoraScale.MaxScale}");
            return new LoraSource(spec[..colon], scale);
        }
        return new LoraSource(spec, 1f);
    }
}
