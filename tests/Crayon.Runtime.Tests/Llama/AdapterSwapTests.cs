using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Crayon.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>Hot swap from memory: no file, the same numbers as from a file, and no crash, leak or mixing under load.</summary>
public class AdapterSwapTests
{
    private static readonly LlamaContextOptions Small = LlamaTestRuntime.Context(128);

    [Test]
    public void LoadingFromMemoryCreatesOrWritesNoFile()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var bytes = TinyModel.RandomAdapterBytes(seed: 11);
        using (var warm = LlamaAdapter.Load(model, bytes, "warm-up")) context.ApplyAdapters(AdapterSet.Single(warm));
        context.ApplyAdapters(AdapterSet.None);
        // Positive control: a load from a file inside the traced window must show up in the trace.
        var control = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"control-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(control, bytes);

        IReadOnlyList<string> calls;
        using (var trace = SyscallTrace.Start())
        {
            LlamaAdapter.Load(model, control).Dispose();
            for (var i = 0; i < 20; i++)
            {
                using var adapter = LlamaAdapter.Load(model, bytes, $"swap-{i}");
                context.ApplyAdapters(AdapterSet.Single(adapter));
                context.EvaluateLogits("Hi");
                context.ApplyAdapters(AdapterSet.None);
            }
            calls = trace.Stop();
        }

        File.Delete(control);
        Assert.That(calls.Any(c => c.Contains(Path.GetFileName(control), StringComparison.Ordinal)), Is.True,
            "the trace sees llama.cpp opening the control file");
        var writes = calls.Where(IsWrite).ToList();
        Assert.That(writes, Is.Empty, "file system calls that create or write a file during 20 loads from memory");
    }

    private static bool IsWrite(string line) =>
        !line.Contains("crayon-strace-marker", StringComparison.Ordinal) &&
        (Regex.IsMatch(line, @"\b(creat|mkdir|rename\w*|link\w*|symlink|unlink\w*|memfd_create|truncate|ftruncate)\(") ||
         (Regex.IsMatch(line, @"\bopen(at2?)?\(") && Regex.IsMatch(line, @"O_(CREAT|WRONLY|RDWR|TRUNC|TMPFILE)")));

    [Test]
    public void ARequestInFlightKeepsItsAdapterSetAndTheOldAdapterIsFreedAfterIt()
    {
        using var model = TinyModel.LoadCpu();
        var a = LlamaAdapter.Load(model, TinyModel.RandomAdapterBytes(seed: 31, magnitude: 3f), "A");
        var b = LlamaAdapter.Load(model, TinyModel.RandomAdapterBytes(seed: 32, magnitude: 3f), "B");
        float[] Reference(LlamaAdapter adapter)
        {
            using var context = model.CreateContext(Small);
            context.ApplyAdapters(AdapterSet.Single(adapter));
            return context.EvaluateLogits("The end");
        }
        var (withA, withB) = (Reference(a), Reference(b));

        using var engine = new LlamaEngine(model, new LlamaEngineOptions { MaxContexts = 2, Context = Small });
        engine.SetAdapters(AdapterSet.Single(a));
        a.Dispose();
        var first = engine.Acquire();
        engine.SetAdapters(AdapterSet.Single(b)); // swap while the first request is in flight
        b.Dispose();
        Assert.That(a.IsFreed, Is.False, "the request in flight still uses A");
        Assert.That(first.Context.EvaluateLogits("The end"), Is.EqualTo(withA));
        using (var second = engine.Acquire())
        {
            Assert.That(second.Adapters.Entries[0].Adapter, Is.SameAs(b));
            Assert.That(second.Context.EvaluateLogits("The end"), Is.EqualTo(withB));
        }
        Assert.That(first.Context.EvaluateLogits("The end"), Is.EqualTo(withA), "still A after the other request");
        first.Dispose();
        Assert.That(a.IsFreed, Is.True, "A is freed once its last request ended");
        Assert.That(b.IsFreed, Is.False);
    }

    [Test]
    public void AThousandSwapsDuringGenerationNeverCrashLeakOrMixAdapters()
    {
        using var model = TinyModel.LoadCpu();
        // Two adapters with large, different effects: each request's tokens and logits fingerprint its set.
        var bytesA = TinyModel.RandomAdapterBytes(seed: 21, magnitude: 3f);
        var bytesB = TinyModel.RandomAdapterBytes(seed: 22, magnitude: 3f);
        const string prompt = "Once upon a time";
        var generation = new GenerationOptions { MaxTokens = 6 };
        var reference = new Dictionary<char, (int[] Tokens, float[] Logits)>();
        using (var context = model.CreateContext(Small))
        {
            foreach (var (key, bytes) in new[] { ('A', bytesA), ('B', bytesB) })
            {
                using var adapter = LlamaAdapter.Load(model, bytes, key.ToString());
                context.ApplyAdapters(AdapterSet.Single(adapter));
                reference[key] = (context.Generate(prompt, generation).Select(t => t.Id).ToArray(), context.EvaluateLogits("The end"));
            }
        }
        Assert.That(reference['A'].Tokens, Is.Not.EqualTo(reference['B'].Tokens), "setup: the two adapters must be told apart by their tokens");

        using var engine = new LlamaEngine(model, new LlamaEngineOptions { Context = Small });
        var loaded = new ConcurrentQueue<LlamaAdapter>();
        void Swap(int i)
        {
            var adapter = LlamaAdapter.Load(model, i % 2 == 0 ? bytesA : bytesB, $"{(i % 2 == 0 ? 'A' : 'B')}-{i}");
            loaded.Enqueue(adapter);
            engine.SetAdapters(AdapterSet.Single(adapter));
            adapter.Dispose(); // the engine (and sessions) hold it now
        }
        for (var i = 0; i < 40; i++) Swap(i); // warm-up: allocator pools, JIT, graph buffers
        using (var warmSession = engine.Acquire()) warmSession.Context.Generate(prompt, generation).ToList();
        ProcessResources.Settle();
        var rssBefore = ProcessResources.ResidentBytes();
        var fdsBefore = ProcessResources.OpenDescriptors();

        var stop = false;
        var requests = new ConcurrentDictionary<char, int>();
        var swappedDuringRequest = 0;
        var mismatches = new ConcurrentQueue<string>();
        var generator = Task.Factory.StartNew(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                using var session = engine.Acquire();
                var key = session.Adapters.Entries[0].Adapter.Name[0];
                var tokens = session.Context.Generate(prompt, generation).Select(t => t.Id).ToArray();
                var logits = session.Context.EvaluateLogits("The end");
                requests.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (!ReferenceEquals(engine.Adapters, session.Adapters)) Interlocked.Increment(ref swappedDuringRequest);
                var expected = reference[key];
                var drift = logits.Zip(expected.Logits).Max(p => Math.Abs(p.First - p.Second));
                if (!tokens.SequenceEqual(expected.Tokens) || drift > 1e-4)
                    mismatches.Enqueue($"request with {session.Adapters}: tokens [{string.Join(",", tokens)}] vs [{string.Join(",", expected.Tokens)}], logit drift {drift}");
            }
        }, TaskCreationOptions.LongRunning);

        for (var i = 40; i < 1040; i++)
        {
            Swap(i);
            if (i % 4 < 2) Thread.Sleep(1); // pace the swaps (after an A and after a B) so that requests run between and across them
        }
        Volatile.Write(ref stop, true);
        generator.Wait();

        engine.SetAdapters(AdapterSet.None);
        ProcessResources.Settle();
        var rssGrowth = ProcessResources.ResidentBytes() - rssBefore;
        var fdsAfter = ProcessResources.OpenDescriptors();
        TestContext.Out.WriteLine($"requests: A {requests.GetValueOrDefault('A')}, B {requests.GetValueOrDefault('B')}, {swappedDuringRequest} swapped mid-request; RSS growth {rssGrowth / 1024} KiB; fds {fdsBefore} -> {fdsAfter}");

        Assert.That(mismatches, Is.Empty, "a request saw an adapter other than the one it started with");
        Assert.That(requests.GetValueOrDefault('A'), Is.GreaterThan(0));
        Assert.That(requests.GetValueOrDefault('B'), Is.GreaterThan(0));
        Assert.That(swappedDuringRequest, Is.GreaterThan(0), "no swap happened while a request was in flight");
        Assert.That(loaded.Count(a => !a.IsFreed), Is.Zero, "adapters still alive after the engine let go of its set");
        Assert.That(fdsAfter, Is.LessThanOrEqualTo(fdsBefore + 4), "open descriptors");
        Assert.That(rssGrowth, Is.LessThan(48L << 20), "resident memory growth over 1,000 swaps");
    }
}
