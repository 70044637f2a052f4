using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Crayon.Benchmarking;

/// <summary>What a load run measured: outcomes by status, failures, and the latency distribution of all requests.</summary>
public sealed record HttpLoadResult(
    int Requests, int Clients, IReadOnlyDictionary<int, int> Statuses, int Failures, IReadOnlyList<string> FailureSamples,
    double P50Milliseconds, double P90Milliseconds, double P99Milliseconds, double MaxMilliseconds, double Seconds)
{
    public double RequestsPerSecond => Requests / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests} requests from {Clients} clients in {Seconds:0.00} s ({RequestsPerSecond:0.0}/s): p50 {P50Milliseconds:0.0} ms, p90 {P90Milliseconds:0.0} ms, " +
        $"p99 {P99Milliseconds:0.0} ms, max {MaxMilliseconds:0.0} ms; statuses {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; {Failures} failure(s)");
}

/// <summary>
/// A closed-loop HTTP load: <c>clients</c> concurrent loops send requests until <c>total</c> have been
/// sent, each waiting for its answer before the next. A request fails when <c>accept</c> rejects its
/// status and body, or when it throws (connection refused, reset).
/// </summary>
public static class HttpLoad
{
    public static async Task<HttpLoadResult> RunAsync(HttpClient http, int total, int clients, Func<int, HttpRequestMessage> request,
        Func<HttpStatusCode, string, bool> accept, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);
        var latencies = new double[total];
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        async Task Client()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var t = Stopwatch.GetTimestamp();
                try
                {
                    using var message = request(i);
                    using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (!accept(response.StatusCode, body)) failures.Enqueue($"request {i}: HTTP {(int)response.StatusCode}: {Truncate(body)}");
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                    failures.Enqueue($"request {i}: {e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
                }
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client, cancellationToken))).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(latencies);
        return new HttpLoadResult(total, clients, new SortedDictionary<int, int>(statuses), failures.Count, failures.Take(10).ToArray(),
            Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99), latencies[^1], seconds);
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(sorted));
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
