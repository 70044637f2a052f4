using Crayon.Tests.Pool;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests;

/// <summary>
/// Removes what the stories fixtures wrote for this process (the imported model, the tiny pool) once the test assembly's
/// run ends. NUnit finds setup fixtures only in the test assembly itself, so each test project that uses the fixtures
/// declares one in no namespace: <c>[SetUpFixture] public class SharedArtifacts : StoriesArtifacts;</c>
/// </summary>
public abstract class StoriesArtifacts
{
    [OneTimeTearDown]
    public void RemoveSharedArtifacts()
    {
        TinyPool.Delete();
        TrainingFixture.Delete();
    }
}
