using Crayon.Hybrid.Endpoint;
using Crayon.Routing;

namespace Crayon.Hybrid;

/// <summary>One free-text query answered by the hybrid (see <see cref="HybridAnswer"/> for the fields' meaning).</summary>
/// <param name="DeviceText">The device's own answer, when it was computed.</param>
/// <param name="ServerText">The server's answer, when it came.</param>
public sealed record HybridTextAnswer(
    string Prompt, RoutingDecision Decision, AnswerSource Source, string Text, string? DeviceText, string? ServerText, ServerFailure? Failure,
    TimeSpan DeviceTime, TimeSpan ServerTime, TimeSpan TotalTime, long BytesSent, long BytesReceived)
{
    public string Why => Source == AnswerSource.DeviceFallback
        ? $"{Decision.Reason}; the server failed ({Failure}), so the device answered"
        : Decision.Reason;
}
