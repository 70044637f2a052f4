using Crayon.Pool;
using Crayon.Pool.Building;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

/// <summary>`crayon pool build`'s engine on the real model: deterministic bytes, resumption, provenance, refusals.</summary>
public class PoolBuilderTests : TempFolderTest
{
    [Test]
    public void OneSeedGivesByteIdenticalPoolsAndAnInterruptedBuildResumesToTheSamePool()
    {
        var model = TrainingFixture.Model;
        var data = TinyPool.Data();
        var first = PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("a.gguf"));
        PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("b.gguf"));
        Assert.That(File.ReadAllBytes(PathIn("b.gguf")), Is.EqualTo(File.ReadAllBytes(PathIn("a.gguf"))), "two builds with one seed");
        Assert.That(Directory.Exists(PathIn("a.gguf.build")), Is.False, "the work folder is removed once the pool is written");

        // Killed after its first adapter: the adapter stays in the work folder.
        using var cancel = new CancellationTokenSource();
        var interrupted = new PoolBuildRun
        {
            Cancellation = cancel.Token,
            Progress = new Reporter(p => { if (p.Phase == PoolBuildPhase.Training && p.Done == 1 && p.Step is null) cancel.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("c.gguf"), interrupted));
        Assert.That(File.Exists(PathIn("c.gguf")), Is.False);
        Assert.That(Directory.GetFiles(PathIn("c.gguf.build"), "adapter-*.gguf"), Has.Length.EqualTo(1));

        var mismatch = Assert.Throws<PoolBuildException>(() => PoolBuilder.Build(model, data, TinyPool.Settings(rank: 3), PathIn("c.gguf"), new PoolBuildRun { Resume = true }))!;
        Assert.That(mismatch.Message, Does.Contain("other settings").And.Contain("c.gguf.build"));

        var resumed = PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("c.gguf"), new PoolBuildRun { Resume = true });
        Assert.That(resumed.ResumedAdapters, Is.EqualTo(1));
        Assert.That(File.ReadAllBytes(PathIn("c.gguf")), Is.EqualTo(File.ReadAllBytes(PathIn("a.gguf"))), "the resumed build");

        PoolBuilder.Build(model, data, TinyPool.Settings(seed: 2), PathIn("d.gguf"));
        Assert.That(File.ReadAllBytes(PathIn("d.gguf")), Is.Not.EqualTo(File.ReadAllBytes(PathIn("a.gguf"))), "another seed");

        var pool = first.Pool;
        Assert.Multiple(() =>
        {
            Assert.That(pool.Count, Is.EqualTo(2));
            Assert.That(pool.Adapters.Rank, Is.EqualTo(2));
            Assert.That(pool.Model, Is.EqualTo(PoolModelIdentity.Of(model)));
            Assert.That(pool.EmbeddingCenter, Is.Not.Null.And.Length.EqualTo(pool.EmbeddingLength));
            Assert.That(pool.Provenance["seed"], Is.EqualTo("1"));
            Assert.That(pool.Provenance["examples"], Is.EqualTo("24"));
            Assert.That(pool.Provenance["tasks"], Is.EqualTo("csqa:12 siqa:12"));
            Assert.That(pool.Provenance["cluster_sizes"].Split(',').Sum(int.Parse), Is.EqualTo(24));
            Assert.That(pool.Prior, Is.EqualTo(first.Clusters.Select(c => c.Members / 24.0)).Within(1e-15), "each adapter's prior is its cluster's share of the examples");
            Assert.That(pool.Provenance["settings_sha256"], Is.EqualTo(first.SettingsHash));
            Assert.That(first.Clusters.Sum(c => c.Members), Is.EqualTo(24));
            Assert.That(first.Clusters.All(c => c.Members + c.TopUp >= 6), "every adapter trains on at least the minimum");
            Assert.That(AdapterPoolFile.Read(PathIn("a.gguf")).EmbeddingCenter, Is.EqualTo(pool.EmbeddingCenter));
        });
    }

    [Test]
    public void DamagedWorkFilesAreRebuiltNotPickedUpAndTheResumedPoolIsStillByteIdentical()
    {
        var model = TrainingFixture.Model;
        var data = TinyPool.Data();
        PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("whole.gguf"));

        using var cancel = new CancellationTokenSource();
        var interrupted = new PoolBuildRun
        {
            Cancellation = cancel.Token,
            Progress = new Reporter(p => { if (p.Phase == PoolBuildPhase.Training && p.Done == 1 && p.Step is null) cancel.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("p.gguf"), interrupted));
        var work = PathIn("p.gguf.build");
        var adapter = Path.Combine(work, "adapter-000.gguf");
        var embeddings = Path.Combine(work, "embeddings.bin");
        Assert.That(File.Exists(adapter) && File.Exists(embeddings));
        // What a disk or a hand could leave behind: an adapter cut in half, embeddings with one flipped byte, a stray temporary.
        var bytes = File.ReadAllBytes(adapter);
        File.WriteAllBytes(adapter, bytes[..(bytes.Length / 2)]);
        var vectors = File.ReadAllBytes(embeddings);
        vectors[vectors.Length / 2] ^= 0x40;
        File.WriteAllBytes(embeddings, vectors);
        File.WriteAllBytes(Path.Combine(work, ".adapter-001.gguf.1.tmp"), bytes[..100]);

        var resumed = PoolBuilder.Build(model, data, TinyPool.Settings(), PathIn("p.gguf"), new PoolBuildRun { Resume = true });
        Assert.That(resumed.ResumedAdapters, Is.EqualTo(0), "the damaged adapter is trained again");
        Assert.That(File.ReadAllBytes(PathIn("p.gguf")), Is.EqualTo(File.ReadAllBytes(PathIn("whole.gguf"))));
        Assert.That(Directory.Exists(work), Is.False);
    }

    [Test]
    public void TooFewExamplesForTheClustersIsAClearError()
    {
        var data = new PoolTrainingData(TinyPool.Data().Examples.Take(3).ToArray(), ["three items"]);
        var error = Assert.Throws<ArgumentException>(() => PoolBuilder.Build(TrainingFixture.Model, data, TinyPool.Settings() with { Adapters = 4 }, PathIn("p.gguf")))!;
        Assert.That(error.Message, Does.Contain("3 training example(s) cannot form 4 clusters"));
    }

    private sealed class Reporter(Action<PoolBuildProgress> report) : IProgress<PoolBuildProgress>
    {
        public void Report(PoolBuildProgress value) => report(value);
    }
}
