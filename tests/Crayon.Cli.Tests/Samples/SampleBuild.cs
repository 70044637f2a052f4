using Crayon.Tests.Support;

namespace Crayon.Tests.Samples;

/// <summary>Builds one project of samples/ the way a reader would (`dotnet build`) and runs its dll with arguments.</summary>
internal static class SampleBuild
{
    /// <summary>Builds samples/<paramref name="name"/> (incremental: a no-op after the solution build) and returns the path of its dll.</summary>
    public static string Build(string name)
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("the samples tests run from a checkout (Crayon.sln not found above the tests)");
        var project = Path.Combine(root, "samples", name, name + ".csproj");
        ChildProcess.Run("dotnet", root, ["build", project, "-c", ChildProcess.Configuration, "-nologo", "-v:q", "-clp:ErrorsOnly"]);
        var dll = Path.Combine(root, "artifacts", "bin", name, ChildProcess.Configuration.ToLowerInvariant(), name + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"dotnet build of {project} left no {dll}");
        return dll;
    }

    /// <summary>Runs a built sample from a temporary folder; returns its stdout.</summary>
    public static string Run(string dll, string folder, params string[] arguments) =>
        ChildProcess.Run("dotnet", folder, [dll, .. arguments]);
}
