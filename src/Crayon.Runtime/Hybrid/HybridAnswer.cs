using System.Globalization;
using Crayon.Llama;
using Crayon.Hybrid.Endpoint;
using Crayon.Routing;

namespace Crayon.Hybrid;

/// <summary>Who answered a query.</summary>
public enum AnswerSource
{
    /// <summary>The router kept it on the device.</summary>
    Device,

    /// <summary>The router sent it to the server, which answered.</summary>
    Server,

    /// <summary>The router sent it to the server, which failed (down, too slow, nonsense): the device answered.</summary>
    DeviceFallback,
}

/// <summary>How an <see cref="AnswerSource"/> reads in a report.</summary>
public static class AnswerSources
{
    /// <summary>"device", "server" or "device (server failed)".</summary>
    public static string Describe(this AnswerSource source) => source switch
    {
        AnswerSource.Device => "device",
        AnswerSource.Server => "server",
        _ => "device (server failed)",
    };
}

/// <summary>
/// One multiple-choice query answered by the hybrid: the choice, who chose it and why, the routing
/// decision with its signals, what the server call cost, and the scores each side computed.
/// </summary>
/// <param name="Device">The device model's scores; null when the query went to the server and the policy did not need them.</param>
/// <param name="Server">The server model's scores; null unless the server answered.</param>
/// <param name="Failure">Why the server's answer was not used; null unless <see cref="Source"/> is <see cref="AnswerSource.DeviceFallback"/>.</param>
/// <param name="BytesSent">Request bytes sent to the server (0 when it stayed on the device).</param>
public sealed record HybridAnswer(
    string Key, RoutingDecision Decision, AnswerSource Source, int Predicted, string AnswerText,
    ChoiceScores? Device, ChoiceScores? Server, ServerFailure? Failure,
    TimeSpan DeviceTime, TimeSpan ServerTime, TimeSpan TotalTime, long BytesSent, long BytesReceived)
{
    /// <summary>Where the answer came from and why, in one line.</summary>
    public string Why => Source switch
    {
        AnswerSource.DeviceFallback => $"{Decision.Reason}; the server failed ({Failure}), so the device answered",
        _ => Decision.Reason,
    };

    /// <summary>"device", "server" or "device (server failed)".</summary>
    public string Where => Source.Describe();

    /// <summary>The scores the answer was chosen from: the server's when it answered, else the device's.</summary>
    public ChoiceScores? Chosen => Source == AnswerSource.Server ? Server : Device;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Key}: \"{AnswerText}\" from {Where} in {TotalTime.TotalMilliseconds:0.#} ms, {BytesSent} B sent ({Why})");
}
