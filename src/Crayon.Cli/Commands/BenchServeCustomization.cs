using System.Globalization;
using System.Net;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Server.Customizations;
using Crayon.Server.Hosting;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench serve`'s per-request customization leg: requests carrying "crayon": {pool, alpha}, with 1, 16 and 256
/// distinct customizations interleaved, served once with the in-place swap and once reloading a fresh adapter per request
/// (the baseline of servers without in-place swap), each on a server of its own, in the same run.
/// </summary>
internal static class BenchServeCustomization
{
    public sealed record Leg(CustomizationSwap Swap, int Distinct, string BlendDevice, HttpLoadResult Load);

    public static async Task<IReadOnlyList<Leg>> RunAsync(CrayonServerOptions baseOptions, string modelPath, int requests, int clients, int tokens,
        IReadOnlyList<int> distinctCounts, int adapters, int rank, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("crayon-bench-serve-");
        try
        {
            var poolPath = Path.Combine(folder.FullName, "pool.gguf");
            ServeCustomizationPool.Write(modelPath, poolPath, adapters, rank);
            var legs = new List<Leg>();
            foreach (var swap in new[] { CustomizationSwap.InPlace, CustomizationSwap.Reload })
            {
                await using var server = await CrayonServer.StartAsync(baseOptions with
                {
                    ModelPath = modelPath, ModelImage = null, Pools = [new PoolSource("bench", poolPath)], CustomizationSwap = swap,
                }, cancellationToken);
                using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
                var alphas = Enumerable.Range(0, distinctCounts.Max()).Select(i => Json(ServeCustomizationPool.Alpha(i, adapters))).ToArray();
                Func<int, HttpRequestMessage> Request(int distinct) => i => new HttpRequestMessage(HttpMethod.Post, "v1/completions")
                {
                    Content = new StringContent(
                        $$$"""{"prompt":"Once upon a time","max_tokens":{{{tokens}}},"temperature":0,"crayon":{"pool":"bench","alpha":{{{alphas[i % distinct]}}}}}""",
                        System.Text.Encoding.UTF8, "application/json"),
                };
                // Warm-up (JIT, first contexts and their first adapter load), not measured.
                await HttpLoad.RunAsync(http, 2 * clients, clients, Request(distinctCounts.Max()), (_, _) => true, cancellationToken);
                foreach (var distinct in distinctCounts)
                {
                    var load = await HttpLoad.RunAsync(http, requests, clients, Request(distinct), (status, _) => status == HttpStatusCode.OK, cancellationToken);
                    Console.WriteLine($"customized, {Name(swap)}, {distinct} distinct: {load}");
                    legs.Add(new Leg(swap, distinct, server.BlendDevice, load));
                }
            }
            return legs;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public static string Name(CustomizationSwap swap) => swap == CustomizationSwap.InPlace ? "in-place" : "reload-per-request";

    private static string Json(float[] alpha) => "[" + string.Join(",", alpha.Select(w => w.ToString("R", CultureInfo.InvariantCulture))) + "]";

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<Leg> legs, int adapters, int rank, Action<Utf8JsonWriter, string, HttpLoadResult> write)
    {
        writer.WriteStartObject("customization");
        writer.WriteNumber("pool_adapters", adapters);
        writer.WriteNumber("pool_rank", rank);
        writer.WriteString("pool_targets", string.Join(",", ServeCustomizationPool.Modules) + " in every block");
        writer.WriteStartArray("legs");
        foreach (var leg in legs)
        {
            writer.WriteStartObject();
            writer.WriteString("swap", Name(leg.Swap));
            writer.WriteNumber("distinct_customizations", leg.Distinct);
            writer.WriteString("blend_device", leg.BlendDevice);
            write(writer, "load", leg.Load);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
