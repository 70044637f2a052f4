using System.CommandLine;
using System.Globalization;

namespace Crayon.Cli.Commands;

/// <summary>
/// Range checks of numeric options, made while parsing: an out-of-range value is a usage error (exit 2) that names
/// the option and its limits, before any file is read or model loaded.
/// </summary>
internal static class NumericRange
{
    public static Option<T> AtLeast<T>(this Option<T> option, T minimum, string? meaning = null) where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value.CompareTo(minimum) < 0) result.AddError($"{Name(result)} must be at least {Text(minimum)}{meaning}, got {Text(value)}");
        });
        return option;
    }

    public static Option<T?> AtLeast<T>(this Option<T?> option, T minimum) where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value && value.CompareTo(minimum) < 0)
                result.AddError($"{Name(result)} must be at least {Text(minimum)}, got {Text(value)}");
        });
        return option;
    }

    /// <summary>A finite number in [min, max] (either end optional; <paramref name="exclusiveMin"/> for "above min").</summary>
    public static Option<float> Within(this Option<float> option, float? min, float? max, bool exclusiveMin = false)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<float>();
            var tooLow = min is { } lo && (exclusiveMin ? value <= lo : value < lo);
            var tooHigh = max is { } hi && value > hi;
            if (!float.IsFinite(value) || tooLow || tooHigh)
                result.AddError($"{Name(result)} must be a finite number {Bounds(min, max, exclusiveMin)}, got {Text(value)}");
        });
        return option;
    }

    private static string Bounds(float? min, float? max, bool exclusiveMin) => (min, max) switch
    {
        ({ } lo, { } hi) => $"{(exclusiveMin ? "above" : "from")} {Text(lo)} {(exclusiveMin ? "up " : "")}to {Text(hi)}",
        ({ } lo, null) => $"{(exclusiveMin ? "above" : "of at least")} {Text(lo)}",
        (null, { } hi) => $"of at most {Text(hi)}",
        _ => "",
    };

    private static string Name(System.CommandLine.Parsing.OptionResult result) =>
        result.IdentifierToken?.Value is { Length: > 0 } used ? used : result.Option.Name;

    private static string Text<T>(T value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "";
}
