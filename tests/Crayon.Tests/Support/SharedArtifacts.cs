using Crayon.Tests.Pool;
using NUnit.Framework;

// In no namespace: NUnit runs this fixture's teardown once, after every test of the assembly.

/// <summary>Removes artifacts that tests of several namespaces share (the tiny pool) when the whole run ends.</summary>
[SetUpFixture]
public class SharedArtifacts
{
    [OneTimeTearDown]
    public void RemoveSharedArtifacts() => TinyPool.Delete();
}
