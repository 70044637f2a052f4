using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>
/// The customizer fixtures' common ground: stories260K (imported once for the run) loaded on the CPU for the fixture,
/// and its pool identity. Static so the fixtures' static helpers can use it; NUnit runs these fixtures one at a time
/// (nothing here is marked parallelizable), each loading the model in its one-time set-up and freeing it after.
/// </summary>
public abstract class StoriesModelFixture
{
    protected static LlamaModel Model { get; private set; } = null!;

    protected static PoolModel Identity { get; private set; } = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        Model = LlamaTestRuntime.LoadCpu(TrainingFixture.Model);
        Identity = PoolModelIdentity.Of(TrainingFixture.Model);
    }

    [OneTimeTearDown]
    public void FreeModel() => Model?.Dispose();
}
