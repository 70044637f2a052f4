using System.Globalization;

namespace Crayon.Reporting;

/// <summary>How a chart axis maps values to positions.</summary>
public enum AxisScale
{
    /// <summary>Evenly spaced values.</summary>
    Linear,

    /// <summary>Base-2 logarithmic, for doubling sweeps such as K in {8, 32, 128} or rank in {2, 4, 8, 16}. Non-positive values are not drawn.</summary>
    Log2,
}

/// <summary>
/// One axis: a value range widened to round tick values (1, 2, 5 × 10^n; powers of two on a log axis)
/// and the mapping from values to pixels. Built only from finite values; an empty or single-valued
/// range is widened so the mapping never divides by zero.
/// </summary>
internal sealed class SvgAxis
{
    private readonly double _lo, _hi, _pixelLo, _pixelHi;

    private SvgAxis(AxisScale scale, double lo, double hi, IReadOnlyList<double> ticks, int decimals, double pixelLo, double pixelHi)
    {
        Scale = scale;
        _lo = Transform(scale, lo);
        _hi = Transform(scale, hi);
        Ticks = ticks;
        Decimals = decimals;
        _pixelLo = pixelLo;
        _pixelHi = pixelHi;
    }

    public AxisScale Scale { get; }
    public IReadOnlyList<double> Ticks { get; }
    public int Decimals { get; }

    /// <param name="values">The data; non-finite values (and non-positive ones on a log axis) are ignored.</param>
    /// <param name="fixedMin">Forces the lower end, e.g. 0 for accuracy.</param>
    /// <param name="fixedMax">Forces the upper end, e.g. 1 for accuracy.</param>
    public static SvgAxis Create(AxisScale scale, IEnumerable<double> values, double? fixedMin, double? fixedMax, double pixelLo, double pixelHi, int tickCount = 6)
    {
        var usable = values.Where(v => Drawable(scale, v)).ToArray();
        double lo = fixedMin ?? (usable.Length > 0 ? usable.Min() : scale == AxisScale.Log2 ? 1 : 0);
        double hi = fixedMax ?? (usable.Length > 0 ? usable.Max() : scale == AxisScale.Log2 ? 2 : 1);
        if (hi < lo) (lo, hi) = (hi, lo);
        return scale == AxisScale.Log2 ? Log2(lo, hi, pixelLo, pixelHi) : Linear(lo, hi, fixedMin.HasValue, fixedMax.HasValue, pixelLo, pixelHi, tickCount);
    }

    /// <summary>Whether <paramref name="value"/> can be placed on an axis of <paramref name="scale"/>.</summary>
    public static bool Drawable(AxisScale scale, double value) => double.IsFinite(value) && (scale == AxisScale.Linear || value > 0);

    public double ToPixel(double value) => _pixelLo + (Transform(Scale, value) - _lo) / (_hi - _lo) * (_pixelHi - _pixelLo);

    public string Label(double tick) => tick.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static SvgAxis Linear(double lo, double hi, bool keepLo, bool keepHi, double pixelLo, double pixelHi, int tickCount)
    {
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            var pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            (lo, hi) = (keepLo ? lo : lo - pad, keepHi ? hi : hi + pad);
            if (hi <= lo) hi = lo + pad;
        }
        var step = NiceStep((hi - lo) / Math.Max(1, tickCount - 1));
        if (!keepLo) lo = Math.Floor(lo / step) * step;
        if (!keepHi) hi = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        var firstTick = Math.Ceiling(lo / step - 1e-9);
        for (var i = 0; (firstTick + i) * step <= hi + step * 1e-9; i++)
            ticks.Add(firstTick + i == 0 ? 0 : (firstTick + i) * step); // multiples, not a running sum, so no drift
        var decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        if (Math.Abs(step / Math.Pow(10, -decimals) - Math.Round(step / Math.Pow(10, -decimals))) > 1e-6) decimals++; // steps like 2.5
        return new SvgAxis(AxisScale.Linear, lo, hi, ticks, decimals, pixelLo, pixelHi);
    }

    private static SvgAxis Log2(double lo, double hi, double pixelLo, double pixelHi)
    {
        var first = (int)Math.Floor(Math.Log2(lo) + 1e-9);
        var last = (int)Math.Ceiling(Math.Log2(hi) - 1e-9);
        if (last <= first) { first--; last++; }
        var stride = Math.Max(1, (last - first + 7) / 8); // at most about 8 labels
        var ticks = new List<double>();
        for (var e = first; e <= last; e += stride) ticks.Add(Math.Pow(2, e));
        var decimals = first < 0 ? -first : 0;
        return new SvgAxis(AxisScale.Log2, Math.Pow(2, first), Math.Pow(2, last), ticks, Math.Min(decimals, 6), pixelLo, pixelHi);
    }

    private static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static double Transform(AxisScale scale, double value) => scale == AxisScale.Log2 ? Math.Log2(value) : value;
}
