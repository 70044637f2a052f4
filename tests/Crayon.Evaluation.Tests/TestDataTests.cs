using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>The tests find the shared data where the tools do (TestData keeps its own copy of DataDirectory's rule: the runtime tests cannot reference the evaluation assembly).</summary>
public class TestDataTests
{
    [Test]
    public void SharedDataIsFoundBesideTheCheckout()
    {
        var stories = TestData.Require("models/stories260K.bin");
        Assert.That(new FileInfo(stories).Length, Is.EqualTo(1_056_540));
        Assert.That(TestData.Folder, Is.EqualTo(DataDirectory.Resolve()), "the tests' data folder is the tools' data folder");
    }
}
