using Crayon.Tests;
using NUnit.Framework;

// In no namespace: NUnit runs this fixture's teardown once, after every test of the assembly.

/// <summary>Removes the stories fixtures' files (the imported model, the tiny pool) when this project's run ends.</summary>
[SetUpFixture]
public class SharedArtifacts : StoriesArtifacts;
