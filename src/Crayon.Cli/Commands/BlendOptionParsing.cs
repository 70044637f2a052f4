using System.Globalization;
using System.CommandLine;
using Crayon.Blending;

namespace Crayon.Cli.Commands;

/// <summary>Parsing of the blend-related option values shared by `crayon blend` and `crayon bench blend`.</summary>
internal static class BlendOptionParsing
{
    /// <summary>A comma-separated list; a bad or empty element ("1,,2") is reported with the option's name and position.</summary>
    public static T[] List<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.All(p => p.Length == 0)) throw new UsageException($"{option} is empty");
        return parts.Select((p, i) =>
        {
            if (p.Length == 0) throw new UsageException($"{option}: value {i + 1} of {parts.Length} is empty (in '{text}')");
            try
            {
                return parse(p);
            }
            catch (FormatException)
            {
                throw new UsageException($"{option}: '{p}' is not valid");
            }
            catch (OverflowException)
            {
                throw new UsageException($"{option}: '{p}' is out of range");
            }
        }).ToArray();
    }

    public static float[] Weights(string text, string option) =>
        List(text, option, s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>Checks a comma-separated option while parsing, so that a malformed list is a usage error (exit 2).</summary>
    public static Option<string> ValidatedList<T>(this Option<string> option, Func<string, string, T[]> parse)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not { } text) return;
            try
            {
                parse(text, result.IdentifierToken?.Value ?? option.Name);
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        return option;
    }

    public static BlendBackend Backend(string text, string option, bool allowAuto = false) => text.ToLowerInvariant() switch
    {
        "auto" when allowAuto => BlendBackend.Auto,
        "vulkan" => BlendBackend.Vulkan,
        "cpu" => BlendBackend.Cpu,
        _ => throw new UsageException($"{option}: '{text}' is not {(allowAuto ? "auto, " : "")}vulkan or cpu"),
    };

    public static PoolStorage Storage(string text, string option) => text.ToLowerInvariant() switch
    {
        "f32" => PoolStorage.Float32,
        "f16" => PoolStorage.Float16,
        "bf16" => PoolStorage.BFloat16,
        _ => throw new UsageException($"{option}: '{text}' is not f32, f16 or bf16"),
    };

    /// <summary>A blend recipe in <see cref="BlendRecipe.Parse"/>'s text form; the error names the option and the known recipes.</summary>
    public static BlendRecipe Mode(string text, string option)
    {
        try
        {
            return BlendRecipe.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    /// <summary>"--device 1" picks a Vulkan device by index, anything else by part of its name.</summary>
    public static BlenderOptions Device(BlenderOptions options, string? device) =>
        device is null ? options
        : int.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? options with { DeviceIndex = index }
        : options with { DeviceName = device };
}
